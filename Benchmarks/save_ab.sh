#!/usr/bin/env bash
# Save latency of two builds, interleaved round by round on one 200-note corpus so both meet the
# same machine load: `notebridge bench --only save` (plain temp file + rename vs a save through
# the bridge, on two local folders), p50 per round.
# usage: Benchmarks/save_ab.sh OLD_BIN NEW_BIN ROUNDS
set -euo pipefail
work=$(mktemp -d)
python3 "$(dirname "$0")/corpus.py" "$work/notes" --count 200 >/dev/null
for r in $(seq 1 $3); do
  for v in old new; do
    bin=$1; [ $v = new ] && bin=$2
    rm -rf "$work/local" "$work/index.sqlite"*; mkdir "$work/local"
    $bin index --root "$work/notes" --database "$work/index.sqlite" >/dev/null
    $bin bench --root "$work/notes" --local "$work/local" --database "$work/index.sqlite" --only save --iterations 300 --json 2>/dev/null \
      | python3 -c "import json,sys; m=json.load(sys.stdin)['metrics']; print('$v', ' '.join(f\"{k}.{w}={m[k][w]['p50_ms']:.2f}\" for k in ['save_plain','save_bridge'] for w in ['root','local']))"
  done
done
rm -rf "$work"
