#!/usr/bin/env python3
"""Times indexing and search on a generated corpus with a release build of notebridge.

usage: index_bench.py [--bin PATH] [--count N] [--runs R] [--searches S] [--work DIR]

Writes a fresh corpus (Benchmarks/corpus.py, seed 1) under DIR, then reports medians of R runs:
  cold       `notebridge index` into a fresh database (wall from --json, CPU and peak RSS from
             /usr/bin/time -v)
  rescan     the same with nothing changed
  changed20  after rewriting 20 notes (a line appended to each)
  search     notes/search round trips through `notebridge serve` (JSON-RPC over stdio) on a mix of
             rare words, two- and three-letter prefixes, common words, AND, phrases, negation and
             filters: p50 / p99 over S searches
The load average is printed with each phase: other work on the machine skews wall times, so
compare CPU seconds as well.
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "protocol"))
from client import Client  # noqa: E402


def load():
    return os.getloadavg()[0]


def timed_index(binary, root, database):
    """One `notebridge index` run: (wall seconds it reports, CPU seconds, peak RSS in MB)."""
    completed = subprocess.run(["/usr/bin/time", "-v", binary, "index", "--root", root, "--database", database, "--json"],
                               capture_output=True, text=True, check=True)
    report = json.loads(completed.stdout)
    fields = dict(re.findall(r"^\s*(.+?): (.+)$", completed.stderr, re.MULTILINE))
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return report["seconds"], cpu, int(fields["Maximum resident set size (kbytes)"]) / 1024


def fresh(database):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)


def summary(name, runs, loads):
    walls, cpus, rss = zip(*runs)
    print(f"{name:10} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}), "
          f"CPU median {statistics.median(cpus):.2f} s, peak RSS {max(rss):.0f} MB, "
          f"load {min(loads):.1f}-{max(loads):.1f}", flush=True)


def queries(root, rng):
    """A mixed query set drawn from the corpus's own words and titles."""
    words, titles = [], []
    for folder in sorted(os.listdir(root))[:5]:
        for name in sorted(os.listdir(os.path.join(root, folder)))[:40]:
            titles.append(name[:-3])
            with open(os.path.join(root, folder, name), encoding="utf-8") as handle:
                words += re.findall(r"[a-z]{5,}", handle.read().split("## Observations")[0].lower())
    common = ["the", "system", "notes", "with", "this"]
    rare = [word for word in set(words) if words.count(word) == 1]
    mix = []
    for _ in range(10):
        mix += [
            rng.choice(rare),                                    # a rare word
            rng.choice(words)[:2], rng.choice(words)[:3],        # typing: short prefixes
            rng.choice(common),                                  # a very common word
            f"{rng.choice(words)} {rng.choice(words)}",          # two words ANDed
            f'"{rng.choice(titles)}"',                           # a phrase
            f"{rng.choice(titles).split()[0]} -{rng.choice(common)}",
            f"{rng.choice(words)} tag:{rng.choice(['swift', 'sqlite', 'ops', 'draft'])}",
            f"{rng.choice(words)[:4]} type:meeting",
            f"{rng.choice(words)} in:projects/",
        ]
    return mix


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(HERE, "..", ".build", "release", "notebridge"))
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--work", default="/tmp/notebridge-index-bench")
    args = parser.parse_args()

    root = os.path.join(args.work, "notes")
    database = os.path.join(args.work, "index.sqlite")
    shutil.rmtree(args.work, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), root, "--count", str(args.count), "--seed", "1"],
                   check=True)
    names = sorted(os.path.join(folder, name) for folder in os.listdir(root) for name in os.listdir(os.path.join(root, folder)))

    runs, loads = [], []
    for _ in range(args.runs):
        fresh(database)
        loads.append(load())
        runs.append(timed_index(args.bin, root, database))
    summary("cold", runs, loads)

    runs, loads = [], []
    for _ in range(args.runs):
        loads.append(load())
        runs.append(timed_index(args.bin, root, database))
    summary("rescan", runs, loads)

    rng = random.Random(1)
    runs, loads = [], []
    for run in range(args.runs):
        for name in rng.sample(names, 20):
            with open(os.path.join(root, name), "a", encoding="utf-8") as handle:
                handle.write(f"\nEdited in run {run}.\n")
        loads.append(load())
        runs.append(timed_index(args.bin, root, database))
    summary("changed20", runs, loads)

    mix = queries(root, rng)
    samples = []
    start_load = load()
    with Client(root=root, database=database, server=[args.bin]) as client:
        for query in mix:                                        # warm up: statement cache, page cache
            client.request("notes/search", {"query": query})
        for index in range(args.searches):
            started = time.perf_counter()
            client.request("notes/search", {"query": mix[index % len(mix)]})
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    print(f"{'search':10} p50 {samples[len(samples) // 2]:.2f} ms, p99 {samples[int(len(samples) * 0.99)]:.2f} ms "
          f"over {len(samples)} round trips of {len(mix)} queries, load {start_load:.1f}-{load():.1f}", flush=True)


if __name__ == "__main__":
    main()
