#!/usr/bin/env bash
# Live event rate of `kestrel --dump` while `find / -xdev` runs, and what the probe costs find.
# Prints figures; asserts nothing. Needs root. Usage: bench/live/dump_rate.sh [build-dir]
set -euo pipefail
build="${1:-build/release}"
kestrel="$build/kestrel"
[ -x "$kestrel" ] || { echo "no $kestrel: build the release preset first" >&2; exit 1; }

time_find() {
  local start end
  start=$(date +%s%N)
  find / -xdev > /dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

find / -xdev > /dev/null 2>&1 || true # warm the dentry cache so every run sees the same work
base_before=$(time_find)

log=$(mktemp)
out=$(mktemp)
"$kestrel" --dump > "$out" 2> "$log" &
kpid=$!
sleep 2 # let the probe load and attach
with_ms=$(time_find)
kill -INT "$kpid"
wait "$kpid" || true
base_after=$(time_find)

summary=$(grep -- '--dump:' "$log" || true)
events=$(sed -n 's/.*: \([0-9]*\) events printed.*/\1/p' <<< "$summary")
drops=$(sed -n 's/.*n_drops \([0-9]*\).*/\1/p' <<< "$summary")
find_events=$(grep -c '"comm":"find"' "$out" || true)
rm -f "$log" "$out"

base_ms=$(( (base_before + base_after) / 2 ))
echo "find / -xdev without kestrel: ${base_before} ms before, ${base_after} ms after"
echo "find / -xdev with kestrel --dump: ${with_ms} ms (x$(awk "BEGIN{printf \"%.2f\", $with_ms/$base_ms}") of baseline)"
echo "events printed during the run: ${events:-?} (drops: ${drops:-?})"
echo "events of find itself: ${find_events}"
echo "sustained rate while find ran: $(awk "BEGIN{printf \"%.0f\", $find_events/($with_ms/1000.0)}") events/s of find"
