#!/usr/bin/env python3
"""Issue 5's figures: the index over Hrana-over-HTTP (the project's test server standing in for
Turso/sqld) with 20 ms injected per request. Round trips per search, save and poll from the
server's own counters; search latency; cold index of 10,000 notes; notification latency between
two bridges sharing the database.

usage: Benchmarks/hrana_bench.py [--bin PATH] [--count 10000] [--latency-ms 20] [--out FILE]
"""
import argparse
import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from common import binary, emit, machine, make_corpus, run
from harness.hrana_server import HranaServerProcess
from timed_lsp import TimedLspClient


def pipelines(server) -> int:
    """Hrana HTTP requests (one per round trip) the server has answered since its last reset."""
    paths = server.stats()["paths"]
    return sum(n for path, n in paths.items() if path.endswith("/pipeline") or path.endswith("/cursor"))


def kinds(server) -> dict:
    """The Hrana requests inside those pipelines, by type (execute, batch, close…)."""
    return server.stats()["requests"]


def round_trips(bin_path, corpus, server, env) -> dict:
    """Requests the server sees for one search, one save and one poll of a running bridge."""
    bridge = TimedLspClient(["serve", "--root", str(corpus), "--database", server.url, "--device", "rt",
                             "--poll-interval", "3600", "--scan-interval", "86400"], env=env)
    try:
        bridge.initialize()
        bridge.wait_indexed(timeout=300)
        time.sleep(1)  # let the first feed poll (at start) finish before counting
        counts = {}
        server.control("reset-stats", {})
        bridge.request("notes/search", {"query": "system notes"})
        counts["search"] = pipelines(server)
        counts["search_kinds"] = kinds(server)
        opened = bridge.request("notes/open", {"path": sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.md"))[0]})
        server.control("reset-stats", {})
        saved = bridge.request("notes/save", {"path": opened["path"], "text": opened["text"] + "\n- [fact] saved once #rt\n",
                                              "baseVersion": opened["version"]})
        counts["save"] = pipelines(server)
        counts["save_kinds"] = kinds(server)
        # The save's own batch is one round trip; inotify then reports our own rename, and the change
        # monitor looks the note up and polls the feed early: those are counted above too.
        time.sleep(1)
        counts["save_including_inotify_followups_after_1s"] = pipelines(server)
        counts["save_status"] = saved["status"]
    finally:
        bridge.shutdown()
        bridge.close()
    # Polls: a bridge polling every 0.5 s for 10 s, nothing else going on.
    poller = TimedLspClient(["serve", "--root", str(corpus), "--database", server.url, "--device", "poll",
                             "--poll-interval", "0.5", "--scan-interval", "86400"], env=env)
    try:
        poller.initialize()
        poller.wait_indexed(timeout=300)
        time.sleep(1)
        server.control("reset-stats", {})
        started = time.monotonic()
        time.sleep(10)
        requests = pipelines(server)
        elapsed = time.monotonic() - started
    finally:
        poller.shutdown()
        poller.close()
    counts["poll"] = {"requests": requests, "seconds": elapsed, "poll_interval": 0.5,
                      "requests_per_poll": requests / (elapsed / 0.5)}
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--notify-rounds", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    bin_path = binary(args.bin)
    work = Path(tempfile.mkdtemp(prefix="nb-hrana-bench-"))
    server = HranaServerProcess(work / "index.db", token=secrets.token_hex(16), latency_ms=args.latency_ms,
                                log_path=work / "hrana.log")
    try:
        env = dict(os.environ, TURSO_AUTH_TOKEN=server.token)
        result = {"machine": machine(), "latency_ms": args.latency_ms, "notes": args.count}
        corpus = make_corpus(work / "corpus", args.count)
        server.control("reset-stats", {})
        cold = run([bin_path, "index", "--root", corpus, "--database", server.url, "--json"], env=env, timeout=1800)
        result["cold_index"] = {"seconds": json.loads(cold["stdout"])["seconds"], "wall_seconds": cold["seconds"],
                                "requests": pipelines(server), "peak_rss_mb": cold["peak_rss_mb"]}
        result["round_trips"] = round_trips(bin_path, corpus, server, env)
        search = run([bin_path, "bench", "--root", corpus, "--database", server.url, "--only", "search",
                      "--queries", args.queries, "--seconds", "120", "--json"], env=env)
        report = json.loads(search["stdout"])
        result["index_round_trip"] = report["metrics"]["index_round_trip"]["root"]
        result["search"] = report["metrics"]["search"]
        notify = run([bin_path, "bench", "--root", corpus, "--database", server.url, "--only", "notify",
                      "--notify-rounds", args.notify_rounds, "--seconds", "60", "--json"], env=env)
        metrics = json.loads(notify["stdout"])["metrics"]
        result["notify_feed"] = metrics["notify_feed"]
        result["notify_same_root"] = metrics["notify_same_root"]["root"]
        result["machine"]["load_after"] = machine()["load"]
        emit(result, args.out)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
