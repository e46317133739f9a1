#!/usr/bin/env bash
# Issue 4's figures on local disk: save latency through the bridge's save path against a plain
# temp file + rename (goal ≤ 1.5×), and change-to-notification latency between two bridges
# (goal p95 ≤ 1.2 × pollInterval + 50 ms), with `notebridge bench` on a 200-note corpus.
# usage: Benchmarks/bridge_bench.sh [OUT.json] [POLL_INTERVAL]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${NOTEBRIDGE_BIN:-$repo/.build/release/notebridge}
[ -x "$bin" ] || { echo "no $bin: run swift build -c release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$repo/Benchmarks/corpus.py" "$work/notes" --count 200 >/dev/null
mkdir "$work/local"
"$bin" index --root "$work/notes" --database "$work/index.sqlite" >/dev/null
"$bin" bench --root "$work/notes" --local "$work/local" --database "$work/index.sqlite" --only save,notify \
  --iterations 200 --notify-rounds 30 --poll-interval "${2:-1}" --seconds 60 --json | tee "${1:-/dev/null}"
