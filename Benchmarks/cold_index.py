#!/usr/bin/env python3
"""Compares cold-index times of notebridge builds: each run indexes the corpus into a fresh
database; runs of the builds alternate so a change in the machine's load hits them alike.

usage: cold_index.py CORPUS BIN [BIN...] [--runs N] [--favoured]

Prints per build the median wall time of the whole process, its CPU time (user + system) and
its peak RSS, with the load average seen. On a machine whose cores other work keeps busy, wall
time follows CPU time; --favoured runs each index in a scheduling group of its own with a high
weight (Linux autogroup, needs root), which comes close to what an idle machine shows.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

FAVOURED = "echo -15 > /proc/self/autogroup && exec \"$@\""


def cold_run(binary, corpus, favoured):
    """(wall s, CPU s, peak RSS MB) of one `notebridge index` into a fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        command = ["/usr/bin/time", "-v", binary, "index", "--root", corpus, "--database", folder + "/index.sqlite", "--json"]
        if favoured:
            command = ["setsid", "sh", "-c", FAVOURED, "sh"] + command
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    fields = dict(re.findall(r"^\s*(.+?): (.+)$", done.stderr, re.MULTILINE))
    minutes, seconds = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].rsplit(":", 1)
    wall = float(seconds) + 60 * float(minutes.split(":")[-1])
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return wall, cpu, int(fields["Maximum resident set size (kbytes)"]) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--favoured", action="store_true")
    args = parser.parse_args()
    results = {binary: [] for binary in args.binaries}
    loads = []
    for _ in range(args.runs):
        for binary in args.binaries:
            loads.append(os.getloadavg()[0])
            results[binary].append(cold_run(binary, args.corpus, args.favoured))
    for binary, runs in results.items():
        walls, cpus, rss = zip(*runs)
        print(f"{binary}: wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
              f"CPU median {statistics.median(cpus):.2f} s, peak RSS {max(rss):.0f} MB")
    print(f"load average {min(loads):.1f}-{max(loads):.1f} over {args.runs} runs each")


if __name__ == "__main__":
    main()
