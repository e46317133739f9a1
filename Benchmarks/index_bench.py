#!/usr/bin/env python3
"""Issue 3's figures on local disk: cold index of a 10,000-note corpus, no-change rescan,
20-changed rescan, search p50/p99 over 1,000 mixed queries, peak RSS; and, where it installs,
Basic Memory 0.24 on a smaller corpus (it needs tens of seconds per hundred notes here).

usage: Benchmarks/index_bench.py [--bin PATH] [--count 10000] [--bm-count 100] [--no-bm] [--out FILE]
"""
import argparse
import json
import shutil
import tempfile
from pathlib import Path

from common import REPO, binary, emit, machine, make_corpus, run
from basic_memory_bench import measure_basic_memory


def notebridge_figures(bin_path: Path, corpus: Path, database: Path, queries: int) -> dict:
    figures = {}
    cold = run([bin_path, "index", "--root", corpus, "--database", database, "--json"])
    stats = json.loads(cold["stdout"])
    figures["cold_index"] = {"seconds": stats["seconds"], "wall_seconds": cold["seconds"], "notes": stats["added"],
                             "peak_rss_mb": cold["peak_rss_mb"]}
    again = run([bin_path, "index", "--root", corpus, "--database", database, "--json"])
    figures["rescan_no_change"] = {"seconds": json.loads(again["stdout"])["seconds"], "wall_seconds": again["seconds"],
                                   "peak_rss_mb": again["peak_rss_mb"]}
    for path in sorted(corpus.rglob("*.md"))[:: max(1, len(list(corpus.rglob("*.md"))) // 20)][:20]:
        with path.open("a") as note:
            note.write("\n- [fact] changed for the rescan benchmark #bench\n")
    changed = run([bin_path, "index", "--root", corpus, "--database", database, "--json"])
    changed_stats = json.loads(changed["stdout"])
    figures["rescan_20_changed"] = {"seconds": changed_stats["seconds"], "wall_seconds": changed["seconds"],
                                    "updated": changed_stats["updated"], "peak_rss_mb": changed["peak_rss_mb"]}
    search = run([bin_path, "bench", "--root", corpus, "--database", database, "--only", "search",
                  "--queries", queries, "--seconds", "60", "--json"])
    report = json.loads(search["stdout"])
    figures["search"] = report["metrics"]["search"]["root"]
    figures["search"]["peak_rss_mb"] = search["peak_rss_mb"]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--bm-count", type=int, default=100)
    parser.add_argument("--no-bm", action="store_true", help="skip Basic Memory")
    parser.add_argument("--out")
    args = parser.parse_args()
    bin_path = binary(args.bin)
    work = Path(tempfile.mkdtemp(prefix="nb-index-bench-"))
    try:
        result = {"machine": machine(), "corpus_notes": args.count}
        corpus = make_corpus(work / "corpus", args.count)
        result["corpus_mb"] = sum(p.stat().st_size for p in corpus.rglob("*.md")) / 1e6
        result["notebridge"] = notebridge_figures(bin_path, corpus, work / "index.sqlite", args.queries)
        if not args.no_bm:
            small = make_corpus(work / "small", args.bm_count)
            ours = notebridge_figures(bin_path, small, work / "small.sqlite", min(args.queries, 200))
            result["basic_memory"] = measure_basic_memory(small, work / "bm", ours)
        result["machine"]["load_after"] = machine()["load"]
        emit(result, args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
