#!/usr/bin/env bash
# Runs every benchmark script one after the other (they would disturb each other's timings) and
# writes their JSON into DIR (default .build-bench/results): cold index, rescans and search
# (index), save and notification (bridge), the same over Hrana (hrana), on a real rclone mount
# (mount). Needs the release build (swift build -c release --product notebridge) and, for the
# Hrana and mount benchmarks, the test venv with SeaweedFS and rclone: .venv-test in this checkout,
# or NOTEBRIDGE_TEST_PYTHON=/path/to/venv/bin/python. NOTEBRIDGE_BENCH_NO_BM=1 skips Basic Memory
# (it installs from PyPI and takes minutes; its figures do not depend on notebridge's code).
# The load average at the start and end of each script goes to DIR/load.txt.
# usage: Benchmarks/run_all.sh [DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.build-bench/results}
mkdir -p "$out"
out=$(cd "$out" && pwd)
py=${NOTEBRIDGE_TEST_PYTHON:-$repo/.venv-test/bin/python}
bin=${NOTEBRIDGE_BIN:-$repo/.build/release/notebridge}
[ -x "$bin" ] || { echo "no $bin: run swift build -c release --product notebridge" >&2; exit 1; }
[ -x "$py" ] || { echo "no $py: create .venv-test (Tests/e2e/requirements.txt) or set NOTEBRIDGE_TEST_PYTHON" >&2; exit 1; }
export NOTEBRIDGE_BIN=$bin
bm=()
[ "${NOTEBRIDGE_BENCH_NO_BM:-0}" = 1 ] && bm=(--no-bm)
cd "$repo/Benchmarks"
: >"$out/load.txt"
step() {  # step NAME COMMAND...: runs one benchmark, recording the load around it
  echo "$1 start $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"
  "${@:2}" >/dev/null
  echo "$1 end   $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"
}
echo "== issue 3: cold index, rescans and search (10,000 notes) + Basic Memory (100 notes)" >&2
step index python3 index_bench.py "${bm[@]}" --out "$out/index.json"
echo "== issue 4: bridge save and notification latency (local disk)" >&2
step bridge bash bridge_bench.sh "$out/bridge.json"
echo "== issue 5: the index over Hrana with 20 ms per request" >&2
step hrana "$py" hrana_bench.py --out "$out/hrana.json"
echo "== issue 6: a real rclone mount vs local, two devices" >&2
step mount "$py" mount_bench.py --out "$out/mount.json"
echo "results in $out" >&2
