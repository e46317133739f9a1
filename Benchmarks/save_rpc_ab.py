#!/usr/bin/env python3
"""`notes/save` round trips through `notebridge serve` over JSON-RPC (local folder, local SQLite
index), two builds interleaved round by round so both meet the same machine load: p50 and p95 per
round. Unlike `save_ab.sh` (the save path alone), this includes the server: request decoding,
`Blocking.run`, the answer.

    .venv-test/bin/python Benchmarks/save_rpc_ab.py OLD_BIN NEW_BIN [--rounds 3] [--saves 300]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "e2e"))
from harness.lsp import LspClient  # noqa: E402


def one_round(binary: str, saves: int) -> list[float]:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "notes"
        root.mkdir()
        os.environ["NOTEBRIDGE_BIN"] = binary
        client = LspClient(["serve", "--root", str(root), "--database", str(Path(work) / "index.db"), "--device", "bench"])
        try:
            client.initialize()
            client.wait_indexed()
            version, took = 0, []
            for i in range(saves):
                started = time.perf_counter()
                result = client.request("notes/save", {"path": "bench.md", "text": f"# Bench\n\nline {i}\n",
                                                       "baseVersion": version})
                took.append((time.perf_counter() - started) * 1000)
                version = result["version"]
            return took
        finally:
            client.shutdown()
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    for r in range(args.rounds):
        for name, binary in (("old", args.old), ("new", args.new)):
            took = sorted(one_round(binary, args.saves))
            print(f"round {r + 1} {name}: p50 {statistics.median(took):.2f} ms, p95 {took[int(len(took) * 0.95)]:.2f} ms")


if __name__ == "__main__":
    main()
