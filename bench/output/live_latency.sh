#!/usr/bin/env bash
# Syscall -> stdout latency of live alerts, idle and under load (stress-ng on every CPU, opens
# and CPU work): p50/p90/p99/max printed by live_latency. Prints figures; asserts nothing.
# Needs root. Usage: bench/output/live_latency.sh [build-dir] [count=300]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
count="${2:-300}"
bench="$build/bench/output/live_latency"
[ -x "$bench" ] && [ -x "$build/kestrel" ] || { echo "build $build first" >&2; exit 1; }

echo "idle host:"
"$bench" "$build/kestrel" "$count" 10
if command -v stress-ng > /dev/null; then
  echo "loaded host (stress-ng --cpu 0 --open 1):"
  (cd /tmp && stress-ng --cpu 0 --open 1 --timeout 120 > /dev/null 2>&1) &
  load=$!
  trap 'kill $load 2>/dev/null || true' EXIT
  sleep 1
  "$bench" "$build/kestrel" "$count" 10
  kill "$load" 2>/dev/null || true
  wait "$load" 2>/dev/null || true
else
  echo "stress-ng not installed: no loaded run"
fi
