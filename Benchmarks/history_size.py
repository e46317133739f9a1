#!/usr/bin/env python3
"""What the history (every version's text in the index) costs in index size.

usage: history_size.py BIN [--count N] [--edits E] [--seed S] [--out FILE.json]

Writes the corpus of Benchmarks/corpus.py (N notes, default 10,000), indexes it cold with
`BIN index` into a fresh local SQLite file, then E times (default 20) edits every note (one line
rewritten, one observation appended) and runs `BIN index` again, so each note ends with E + 1
versions. Reports the index file's size after the first index and at the end, each with the
history and without it (a copy with `note_versions` emptied, both VACUUMed so free pages do not
count), the bytes of text kept, and the overhead per version beyond its text.
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def index(binary, root, database):
    started = time.monotonic()
    done = subprocess.run([binary, "index", "--root", root, "--database", database, "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout), time.monotonic() - started


def edit_all(root, rng, round_number):
    """Rewrites one line and appends an observation in every note."""
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                lines = handle.read().decode("utf-8").split("\n")
            target = rng.randrange(len(lines) // 2, len(lines))
            lines[target] = lines[target] + f" (revised in round {round_number})"
            lines.insert(len(lines) - 1, f"- [fact] edit {round_number} token{rng.randrange(10**9)} #round{round_number}")
            with open(path, "wb") as handle:
                handle.write("\n".join(lines).encode("utf-8"))


def sizes(database, folder, label):
    """(with history, without history) in bytes, both VACUUMed copies; plus versions and text bytes."""
    with_copy = os.path.join(folder, label + "-with.sqlite")
    without_copy = os.path.join(folder, label + "-without.sqlite")
    shutil.copyfile(database, with_copy)
    connection = sqlite3.connect(with_copy)
    versions, text_bytes = connection.execute("SELECT count(*), COALESCE(SUM(length(bytes)), 0) FROM note_versions").fetchone()
    connection.execute("VACUUM")
    connection.close()
    shutil.copyfile(with_copy, without_copy)
    connection = sqlite3.connect(without_copy)
    connection.execute("DELETE FROM note_versions")
    connection.commit()
    connection.execute("VACUUM")
    connection.close()
    result = {"with": os.path.getsize(with_copy), "without": os.path.getsize(without_copy),
              "versions": versions, "text_bytes": text_bytes}
    os.remove(with_copy)
    os.remove(without_copy)
    result["history_bytes"] = result["with"] - result["without"]
    result["overhead_per_version"] = (result["history_bytes"] - text_bytes) / max(1, versions)
    return result


def mb(value):
    return f"{value / 1e6:.1f} MB"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        root = os.path.join(folder, "vault")
        database = os.path.join(folder, "index.sqlite")
        subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), root, "--count", str(args.count),
                        "--seed", str(args.seed)], check=True, capture_output=True)
        _, cold_seconds = index(args.binary, root, database)
        first = sizes(database, folder, "first")
        edit_seconds = []
        for round_number in range(1, args.edits + 1):
            edit_all(root, rng, round_number)
            stats, seconds = index(args.binary, root, database)
            if stats["updated"] != args.count:
                sys.exit(f"round {round_number}: expected {args.count} updated notes, got {stats}")
            edit_seconds.append(seconds)
        final = sizes(database, folder, "final")
    report = {"notes": args.count, "edits_per_note": args.edits, "cold_index_s": cold_seconds,
              "edit_round_index_s_median": sorted(edit_seconds)[len(edit_seconds) // 2],
              "after_first_index": first, "after_edits": final,
              "load_average": {"before": load_before, "after": os.getloadavg()}}
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(report, handle, indent=2)
    for label, result in (("after the first index", first), (f"after {args.edits} edits per note", final)):
        print(f"{label}: {result['versions']} versions, index {mb(result['with'])} with history, "
              f"{mb(result['without'])} without; history {mb(result['history_bytes'])} "
              f"(text {mb(result['text_bytes'])}, {result['overhead_per_version']:.0f} B per version beyond its text)")
    print(f"cold index {cold_seconds:.2f} s, each edit round's index {report['edit_round_index_s_median']:.2f} s (median), "
          f"load {load_before[0]:.1f} → {report['load_average']['after'][0]:.1f}")


if __name__ == "__main__":
    main()
