#!/usr/bin/env bash
# What Kestrel running the stable rules live costs the host's syscalls (issue "live probe").
#
# In one invocation: the loops without Kestrel (baseline before), with Kestrel live on the rules,
# without again (baseline after). Each figure is the median of 5 runs. Prints ns per iteration
# (by the wall clock and by the loop's own CPU time) both ways and the ratio, Kestrel's CPU% and RSS during the loops, and its drop counters; then
# stress-ng's open and exec stressors the same way when stress-ng is installed. bpf_stats is
# switched off for the run (it adds its own cost to every program run) and restored after.
# Prints figures; asserts nothing. Needs root.
#
# Usage: bench/live/overhead.sh [build-dir] [rules-file]
# Environment: REPS (5), N_GETPPID, N_OPEN, STRESS=0 (skip stress-ng), STRESS_SECS, STRESS_REPS,
# KESTREL=<binary> (another kestrel with this build's loops: A/B of two probes).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
rules="${2:-../shared/corpus/rules/falco_rules.yaml}"
kestrel="${KESTREL:-$build/kestrel}"
loops="$build/bench/live/syscall_loops"
for f in "$kestrel" "$loops"; do
  [ -x "$f" ] || { echo "no $f: build the release preset first (scripts/build release)" >&2; exit 1; }
done
[ -r "$rules" ] || { echo "no rules file $rules" >&2; exit 1; }

N_GETPPID=${N_GETPPID:-5000000}
N_OPEN=${N_OPEN:-300000}
REPS=${REPS:-5}

work=$(mktemp -d)
kpid=""
bpf_stats_before=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
cleanup() {
  [ -n "$kpid" ] && kill -INT "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null || true
  sysctl -qw kernel.bpf_stats_enabled="$bpf_stats_before" 2>/dev/null || true
  rm -rf "$work" "${stress_dir:-}"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null || true

head -c 100 /dev/urandom > "$work/small.file"

# Another probe attached (e.g. a test's Kestrel on a shared build host) adds its own cost to every
# syscall, baselines included: wait for it to go (up to a minute), and say so if it does not.
probes_attached() { bpftool prog show 2> /dev/null | grep -c "name kes_sys_exit" || true; }
await_no_probe() { # <expected count>
  local n
  for _ in $(seq 120); do
    n=$(probes_attached)
    [ "$n" -le "$1" ] && return 0
    sleep 0.5
  done
  echo "WARNING: $((n - $1)) other Kestrel probe(s) attached during this phase: figures include their cost" >&2
}

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# run_loop <getppid|open_read>: "<wall> <cpu>", each the median ns/iteration of REPS runs. The
# loop's own CPU time is the figure a busy host does not move (waiting for a CPU is not in it);
# the wall clock also shows what the reader's CPU use takes from the loop on a small host.
run_loop() {
  local mode=$1 n args out
  if [ "$mode" = getppid ]; then n=$N_GETPPID; args=""; else n=$N_OPEN; args="$work/small.file"; fi
  out=$(for _ in $(seq "$REPS"); do "$loops" "$mode" "$n" $args; done)
  echo "$(awk '{print $1}' <<< "$out" | median) $(awk '{print $2}' <<< "$out" | median)"
}

# Kestrel's CPU ticks (utime + stime) and its current / peak RSS in KiB.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

# stress-ng's figures used to swing by 2x between runs: its real-time bogo-ops/s measure the share
# of a CPU the stressor got (on a 2-CPU host running other work it was on a CPU ~10% of the wall
# time), its open stressor worked in /tmp on a virtual disk (O_DIRECT, O_SYNC, unlink), and one run
# was taken each way. Now: a tmpfs working directory, STRESS_REPS runs of STRESS_SECS, and the
# median of ops per second of the stressor's own CPU time (usr+sys: where the probe's cost lands,
# since it runs in the syscall's context), next to the real-time rate.
have_stress=0
if [ "${STRESS:-1}" = 1 ] && command -v stress-ng > /dev/null; then have_stress=1; fi
STRESS_SECS=${STRESS_SECS:-3}
STRESS_REPS=${STRESS_REPS:-$REPS}
stress_dir=$(mktemp -d -p /dev/shm)
chmod 1777 "$stress_dir"
run_stress() { # <stressor>: "<ops/s of CPU time> <ops/s real time>", medians; empty without stress-ng
  local out
  out=$(for _ in $(seq "$STRESS_REPS"); do
    # As nobody: the exec stressor refuses to run as root.
    (cd "$stress_dir" && setpriv --reuid=65534 --regid=65534 --clear-groups \
      stress-ng --"$1" 1 --timeout "$STRESS_SECS" --metrics-brief --temp-path "$stress_dir" 2>&1) |
      awk -v s="$1" '$4 == s && $5 ~ /^[0-9]+$/ && NF >= 10 {print $10, $9}' | tail -1
  done)
  [ -n "$out" ] || return 0
  echo "$(awk '{print $1}' <<< "$out" | median) $(awk '{print $2}' <<< "$out" | median)"
}

# Other work on the host moves every figure: say how busy it was.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "baseline before (no agent) ..."
await_no_probe 0
g_before=$(run_loop getppid)
o_before=$(run_loop open_read)
stress_before_open=""; stress_before_exec=""
if [ "$have_stress" = 1 ]; then
  stress_before_open=$(run_stress open); stress_before_exec=$(run_stress exec)
fi

echo "starting kestrel on $rules ..."
"$kestrel" -r "$rules" -o json_output=true > "$work/alerts" 2> "$work/kestrel.log" &
kpid=$!
# Ready once the probe is attached and the initial state is loaded: wait for the log to settle.
for _ in $(seq 50); do
  sleep 0.2
  kill -0 "$kpid" 2>/dev/null || { cat "$work/kestrel.log" >&2; exit 1; }
done
await_no_probe 1
t0=$(date +%s%N); c0=$(cpu_ticks "$kpid")
g_with=$(run_loop getppid)
o_with=$(run_loop open_read)
t1=$(date +%s%N); c1=$(cpu_ticks "$kpid")
rss=$(rss_kib "$kpid" VmRSS); hwm=$(rss_kib "$kpid" VmHWM)
stress_with_open=""; stress_with_exec=""
if [ "$have_stress" = 1 ]; then
  stress_with_open=$(run_stress open); stress_with_exec=$(run_stress exec)
fi
kill -INT "$kpid"; wait "$kpid" || true; kpid=""

echo "baseline after (no agent) ..."
await_no_probe 0
g_after=$(run_loop getppid)
o_after=$(run_loop open_read)
stress_after_open=""; stress_after_exec=""
if [ "$have_stress" = 1 ]; then
  stress_after_open=$(run_stress open); stress_after_exec=$(run_stress exec)
fi

hz=$(getconf CLK_TCK)
cpu_pct=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f", 100 * c / hz / (ns / 1e9)}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "x%.3f", b / a}'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.0f", b - a}'; }
base() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (a + b) / 2}'; }

echo
echo "| loop (median of $REPS, ns/iteration) | clock | no agent (before/after) | Kestrel | added | ratio | Falco 0.44.1 (issue, wall) |"
echo "|---|---|---|---|---|---|---|"
row() { # <label> <falco> <before> <with> <after>
  local label=$1 falco=$2 col=0 name b w a m
  read -r -a b <<< "$3"; read -r -a w <<< "$4"; read -r -a a <<< "$5"
  for name in wall cpu; do
    m=$(base "${b[$col]}" "${a[$col]}")
    echo "| $label | $name | $m (${b[$col]}/${a[$col]}) | ${w[$col]} | $(added "$m" "${w[$col]}") | $(ratio "$m" "${w[$col]}") | $falco |"
    col=$((col + 1))
  done
}
row "getppid x$N_GETPPID" "169 -> 291 (+122)" "$g_before" "$g_with" "$g_after"
row "open+read 256 B+close x$N_OPEN" "2,848 -> 4,510 (+1,660)" "$o_before" "$o_with" "$o_after"
echo
echo "Kestrel during the loops: CPU ${cpu_pct}% of one core, RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB); Falco 0.44.1: 60% at ~440k events/s, 59 MiB"
if [ -n "$stress_before_open" ]; then
  echo
  echo "| stress-ng (1 worker, median of $STRESS_REPS x ${STRESS_SECS}s) | no agent before/after | Kestrel | Kestrel / no agent |"
  echo "|---|---|---|---|"
  for st in open exec; do
    b=stress_before_$st; a=stress_after_$st; w=stress_with_$st
    read -r b_cpu b_real <<< "${!b}"; read -r a_cpu a_real <<< "${!a}"; read -r w_cpu w_real <<< "${!w}"
    echo "| --$st, ops/s of CPU time | $b_cpu / $a_cpu | $w_cpu | $(ratio "$(base "$b_cpu" "$a_cpu")" "$w_cpu") |"
    echo "| --$st, ops/s real time | $b_real / $a_real | $w_real | $(ratio "$(base "$b_real" "$a_real")" "$w_real") |"
  done
else
  echo "stress-ng not installed (or STRESS=0): its open/exec stressors were skipped"
fi
echo "host load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "alerts raised during the run: $(wc -l < "$work/alerts")"
echo "Kestrel's exit summary (events, drops by category):"
grep -iE "drop|n_evts|events" "$work/kestrel.log" | tail -5 | sed 's/^/  /'
