#!/usr/bin/env bash
# Runs every benchmark script one after the other (they would disturb each other's timings) and
# writes their JSON into DIR (default .build-bench/results). Needs the release build and, for the
# mount benchmark, the test venv (.venv-test) with SeaweedFS and rclone.
# usage: Benchmarks/run_all.sh [DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.build-bench/results}
mkdir -p "$out"
py=${NOTEBRIDGE_TEST_PYTHON:-$repo/.venv-test/bin/python}
cd "$repo/Benchmarks"
echo "== issue 3: index and search (10,000 notes) + Basic Memory (100 notes)" >&2
python3 index_bench.py --out "$out/index.json" >/dev/null
echo "== issue 4: bridge save and notification latency (local disk)" >&2
bash bridge_bench.sh "$out/bridge.json" >/dev/null
echo "== issue 5: the index over Hrana with 20 ms per request" >&2
"$py" hrana_bench.py --out "$out/hrana.json" >/dev/null
echo "== issue 6: a real rclone mount vs local, two devices" >&2
"$py" mount_bench.py --out "$out/mount.json" >/dev/null
echo "results in $out" >&2
