#!/usr/bin/env bash
# Where the probe's time goes: Kestrel live on the stable rules, kernel.bpf_stats_enabled=1, one
# open+read+close loop (bench/live/syscall_loops), then each kes_* program's runs and ns per run
# over the loop (bpftool's run_time_ns / run_cnt, deltas). kes_sys_exit's figure includes the
# programs it tail-calls (they run inside its invocation); each kes_x_* figure is its own.
# bpf_stats itself adds two clock reads per run (~20-40 ns): compare programs with each other,
# not with overhead.sh. Prints figures; asserts nothing. Needs root and bpftool.
#
# Usage: bench/live/prog_cost.sh [build-dir] [rules-file] [loop: open_read|getppid]
# KESTREL=<binary>: another kestrel with this build's loops.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
rules="${2:-../shared/corpus/rules/falco_rules.yaml}"
mode="${3:-open_read}"
kestrel="${KESTREL:-$build/kestrel}"
loops="$build/bench/live/syscall_loops"
for f in "$kestrel" "$loops"; do
  [ -x "$f" ] || { echo "no $f: build it first" >&2; exit 1; }
done
command -v bpftool > /dev/null || { echo "bpftool not installed" >&2; exit 1; }
N=${N:-300000}
[ "$mode" = getppid ] && N=${N_GETPPID:-3000000}

work=$(mktemp -d)
kpid=""
stats_before=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
cleanup() {
  [ -n "$kpid" ] && kill -INT "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null || true
  sysctl -qw kernel.bpf_stats_enabled="$stats_before" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
head -c 100 /dev/urandom > "$work/small.file"

"$kestrel" -r "$rules" -o json_output=true > /dev/null 2> "$work/kestrel.log" &
kpid=$!
for _ in $(seq 50); do
  sleep 0.2
  kill -0 "$kpid" 2>/dev/null || { cat "$work/kestrel.log" >&2; exit 1; }
done

# "name run_cnt run_time_ns" for each kes_* program.
snapshot() {
  bpftool prog show | awk '
    / name kes_/ {for (i = 1; i <= NF; i++) if ($i == "name") name = $(i + 1); cnt = 0; ns = 0
                  for (i = 1; i <= NF; i++) { if ($i == "run_time_ns") ns = $(i + 1); if ($i == "run_cnt") cnt = $(i + 1) }
                  print name, cnt, ns }'
}

sysctl -qw kernel.bpf_stats_enabled=1
snapshot > "$work/a"
if [ "$mode" = getppid ]; then
  per_iter=$("$loops" getppid "$N")
else
  per_iter=$("$loops" open_read "$N" "$work/small.file")
fi
snapshot > "$work/b"
sysctl -qw kernel.bpf_stats_enabled="$stats_before"

echo "loop: $mode x$N, ns/iteration with Kestrel (bpf_stats on), wall and CPU: $per_iter"
echo "| program | runs | runs/iteration | ns/run | ns/iteration |"
echo "|---|---|---|---|---|"
join <(sort "$work/a") <(sort "$work/b") | awk -v n="$N" '
  { runs = $4 - $2; ns = $5 - $3
    if (runs > 0) printf "| %s | %d | %.2f | %.0f | %.0f |\n", $1, runs, runs / n, ns / runs, ns / n }'
