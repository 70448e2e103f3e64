#!/usr/bin/env bash
# Replay throughput and peak RSS on a large capture: a corpus capture's events repeated COPIES times
# (make_big_capture), replayed once by replay_bench through the reader alone (baseline) and
# through reader + state + the stable rules. Prints figures; asserts nothing.
#
# Usage: bench/replay/big_replay.sh [build-dir] [copies=300] [capture]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
copies="${2:-300}"
# curl_google: the corpus capture with the most events Kestrel models (execs, opens, sockets).
source="${3:-../shared/corpus/scap/libs/curl_google.scap}"
for tool in make_big_capture replay_bench; do
  [ -x "$build/bench/replay/$tool" ] || { echo "no $build/bench/replay/$tool: build first" >&2; exit 1; }
done
big=$(mktemp --suffix=.scap)
trap 'rm -f "$big"' EXIT
"$build/bench/replay/make_big_capture" "$source" "$big" "$copies"
echo "capture size: $(( $(stat -c %s "$big") / 1048576 )) MiB"
"$build/bench/replay/replay_bench" --capture "$big"
