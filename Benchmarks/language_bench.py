#!/usr/bin/env python3
"""Latency of the language features over a corpus: completion (link, tag), hover, definition,
references, document and workspace symbols, each request timed at the client.

usage: language_bench.py [--bin BIN ...] [--count N] [--requests R]

Each binary serves the same corpus (Benchmarks/corpus.py) from its own fresh local index; the
binaries take turns per round so machine load hits them alike. Prints JSON: per binary and
request, the median and p95 in milliseconds.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import common  # puts the e2e harness on sys.path
from harness.lsp import LspClient

SCRATCH = "x [[ka\n#s\n- [fa\n"


def utf16_position(text: str, needle: str, offset: int) -> dict:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    column = text[text.rfind("\n", 0, index) + 1:index]
    return {"line": line, "character": len(column.encode("utf-16-le")) // 2}


def requests(root: Path, note: Path) -> dict:
    """The requests to time: (method, params) by name."""
    text = note.read_text(encoding="utf-8")
    doc = {"uri": note.as_uri()}
    scratch = {"uri": (root / "scratch.md").as_uri()}
    on_link = {"textDocument": doc, "position": utf16_position(text, "[[", 3)}
    return {
        "completion-link": ("textDocument/completion", {"textDocument": scratch, "position": {"line": 0, "character": 6}}),
        "completion-tag": ("textDocument/completion", {"textDocument": scratch, "position": {"line": 1, "character": 2}}),
        "hover": ("textDocument/hover", on_link),
        "definition": ("textDocument/definition", on_link),
        "references": ("textDocument/references", {**on_link, "context": {"includeDeclaration": True}}),
        "documentSymbol": ("textDocument/documentSymbol", {"textDocument": doc}),
        "workspaceSymbol": ("workspace/symbol", {"query": "kalo"}),
    }


def start(binary: str, root: Path, database: Path, note: Path) -> LspClient:
    os.environ["NOTEBRIDGE_BIN"] = binary
    client = LspClient(["serve", "--root", str(root), "--database", str(database), "--device", "bench", "--log-level", "error"])
    client.initialize(root=root, capabilities={"window": {"workDoneProgress": True},
                                               "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}})
    client.wait_indexed(timeout=600)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": note.as_uri(), "languageId": "markdown", "version": 1,
                                                            "text": note.read_text(encoding="utf-8")}})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": (root / "scratch.md").as_uri(), "languageId": "markdown",
                                                            "version": 1, "text": SCRATCH}})
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", action="append", help="binary to measure (repeatable; default the release build)")
    parser.add_argument("--count", type=int, default=2000, help="notes in the corpus")
    parser.add_argument("--requests", type=int, default=40, help="requests of each kind per binary")
    args = parser.parse_args()
    binaries = [str(common.binary(path)) for path in (args.bin or [None])]
    with tempfile.TemporaryDirectory() as scratch:
        root = common.make_corpus(Path(scratch) / "notes", args.count)
        note = sorted(root.rglob("*.md"))[0]
        clients = {b: start(b, root, Path(scratch) / f"index-{i}.db", note) for i, b in enumerate(binaries)}
        timings = {b: {name: [] for name in requests(root, note)} for b in binaries}
        try:
            for _ in range(args.requests):
                for b, client in clients.items():
                    for name, (method, params) in requests(root, note).items():
                        began = time.perf_counter()
                        client.request(method, params)
                        timings[b][name].append((time.perf_counter() - began) * 1000)
        finally:
            for client in clients.values():
                client.shutdown()
                client.close()
    report = {"machine": common.machine(), "notes": args.count, "requests": args.requests, "results": {
        b: {name: {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 2)}
            for name, ms in by_name.items()} for b, by_name in timings.items()}}
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
