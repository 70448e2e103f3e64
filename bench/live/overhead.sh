#!/usr/bin/env bash
# What Kestrel running the stable rules live costs the host's syscalls (issue "live probe").
#
# In one invocation: the loops without Kestrel (baseline before), with Kestrel live on the rules,
# without again (baseline after). Each figure is the median of 5 runs. Prints ns per iteration
# both ways and the ratio, Kestrel's CPU% and RSS during the loops, and its drop counters; then
# stress-ng's open and exec stressors the same way when stress-ng is installed. bpf_stats is
# switched off for the run (it adds its own cost to every program run) and restored after.
# Prints figures; asserts nothing. Needs root.
#
# Usage: bench/live/overhead.sh [build-dir] [rules-file]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
rules="${2:-../shared/corpus/rules/falco_rules.yaml}"
kestrel="$build/kestrel"
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
  rm -rf "$work"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null || true

head -c 100 /dev/urandom > "$work/small.file"

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# run_loop <getppid|open_read>: median ns/iteration of REPS runs.
run_loop() {
  local mode=$1 n args
  if [ "$mode" = getppid ]; then n=$N_GETPPID; args=""; else n=$N_OPEN; args="$work/small.file"; fi
  for _ in $(seq "$REPS"); do "$loops" "$mode" "$n" $args; done | median
}

# Kestrel's CPU ticks (utime + stime) and its current / peak RSS in KiB.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

run_stress() { # <stressor>: bogo ops/s (real time) over 5 s, or empty without stress-ng
  # As nobody: the exec stressor refuses to run as root.
  (cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups \
    stress-ng --"$1" 1 --timeout 5 --metrics-brief --temp-path /tmp 2>&1) |
    awk -v s="$1" '$4 == s && $5 ~ /^[0-9]+$/ && NF >= 9 {print $9}' | tail -1
}

echo "baseline before (no agent) ..."
g_before=$(run_loop getppid)
o_before=$(run_loop open_read)

echo "starting kestrel on $rules ..."
"$kestrel" -r "$rules" -o json_output=true > "$work/alerts" 2> "$work/kestrel.log" &
kpid=$!
# Ready once the probe is attached and the initial state is loaded: wait for the log to settle.
for _ in $(seq 50); do
  sleep 0.2
  kill -0 "$kpid" 2>/dev/null || { cat "$work/kestrel.log" >&2; exit 1; }
done
t0=$(date +%s%N); c0=$(cpu_ticks "$kpid")
g_with=$(run_loop getppid)
o_with=$(run_loop open_read)
t1=$(date +%s%N); c1=$(cpu_ticks "$kpid")
rss=$(rss_kib "$kpid" VmRSS); hwm=$(rss_kib "$kpid" VmHWM)
stress_with_open=""; stress_with_exec=""
if command -v stress-ng > /dev/null; then
  stress_with_open=$(run_stress open); stress_with_exec=$(run_stress exec)
fi
kill -INT "$kpid"; wait "$kpid" || true; kpid=""

echo "baseline after (no agent) ..."
g_after=$(run_loop getppid)
o_after=$(run_loop open_read)
stress_base_open=""; stress_base_exec=""
if command -v stress-ng > /dev/null; then
  stress_base_open=$(run_stress open); stress_base_exec=$(run_stress exec)
fi

hz=$(getconf CLK_TCK)
cpu_pct=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f", 100 * c / hz / (ns / 1e9)}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "x%.3f", b / a}'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.0f", b - a}'; }
base() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (a + b) / 2}'; }
g_base=$(base "$g_before" "$g_after"); o_base=$(base "$o_before" "$o_after")

echo
echo "| loop (median of $REPS, ns/iteration) | no agent (before/after) | Kestrel | added | ratio | Falco 0.44.1 (issue) |"
echo "|---|---|---|---|---|---|"
echo "| getppid x$N_GETPPID | $g_base ($g_before/$g_after) | $g_with | $(added "$g_base" "$g_with") | $(ratio "$g_base" "$g_with") | 169 -> 291 (+122) |"
echo "| open+read 256 B+close x$N_OPEN | $o_base ($o_before/$o_after) | $o_with | $(added "$o_base" "$o_with") | $(ratio "$o_base" "$o_with") | 2,848 -> 4,510 (+1,660) |"
echo
echo "Kestrel during the loops: CPU ${cpu_pct}% of one core, RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB); Falco 0.44.1: 60% at ~440k events/s, 59 MiB"
if [ -n "$stress_base_open" ]; then
  echo "stress-ng --open 1 (bogo ops/s): no agent $stress_base_open, Kestrel $stress_with_open ($(ratio "$stress_with_open" "$stress_base_open") slower)"
  echo "stress-ng --exec 1 (bogo ops/s): no agent $stress_base_exec, Kestrel $stress_with_exec ($(ratio "$stress_with_exec" "$stress_base_exec") slower)"
else
  echo "stress-ng not installed: its open/exec stressors were skipped"
fi
echo "alerts raised during the run: $(wc -l < "$work/alerts")"
echo "Kestrel's exit summary (events, drops by category):"
grep -iE "drop|n_evts|events" "$work/kestrel.log" | tail -5 | sed 's/^/  /'
