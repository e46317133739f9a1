#!/usr/bin/env python3
"""Benchmarks the tenant container's watcher: deploy/entrypoint.sh (rclone mount + `notebridge watch`)
over a bucket of generated notes on a real S3 server (SeaweedFS), indexing into our Hrana server
(the Turso stand-in) with injected latency.

usage (from the repository root, with the e2e venv and a built binary):
    .venv-test/bin/python Benchmarks/watch_bench.py [--notes 10000] [--latency-ms 20]
        [--writes 50] [--idle-seconds 30] [--notebridge .build/release/notebridge] [--json OUT]

Measures:
- cold index: entrypoint start → the watcher's status says "watching" (fresh index, fresh mount);
  also the watcher's own figure for the initial index;
- change-to-feed latency: a note written (closed) on the watcher's mount → its row in the index's
  change feed (read from the database file behind the Hrana server), p50/p95/max over --writes
  writes, half edits of existing notes, half new notes; and how many feed rows each write made;
- idle CPU of the watcher (and of rclone) over --idle-seconds with nothing written: utime+stime
  from /proc/PID/stat; the watcher's RSS (VmRSS) and peak (VmHWM);
- stop: SIGTERM → the entrypoint's exit (flush + unmount included).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import re
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from harness.hrana_server import HranaServerProcess  # noqa: E402
from harness.polling import wait_until  # noqa: E402
from harness.s3mount import DEBIAN_RCLONE, REGION, S3Server, find_rclone, free_ports, is_mounted  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid` in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return f"{model}, {os.cpu_count()} cores, Linux {platform.release()}"


def upload_corpus(server: S3Server, bucket: str, corpus: Path) -> int:
    client = server.client(bucket, timeout=30)
    files = sorted(p for p in corpus.rglob("*.md"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda p: client.put(str(p.relative_to(corpus)), p.read_bytes()), files))
    return len(files)


def feed_rows(db_path: str, after_seq: int, path: str) -> list[int]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
        return [row[0] for row in db.execute("SELECT seq FROM changes WHERE seq > ? AND path = ?", (after_seq, path))]


def last_seq(db_path: str) -> int:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
        return db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--scan-interval", type=float, default=30, help="the watcher's safety-net scan (NB_SCAN_INTERVAL)")
    parser.add_argument("--notebridge", default=str(REPO / ".build" / "release" / "notebridge"))
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    results: dict = {"machine": machine(), "notes": args.notes, "latencyMs": args.latency_ms,
                     "scanInterval": args.scan_interval}
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as scratch:
        scratch = Path(scratch)
        subprocess.run([sys.executable, str(REPO / "Benchmarks" / "corpus.py"), str(scratch / "corpus"),
                        "--count", str(args.notes)], check=True)
        server = S3Server.start(scratch / "s3")
        hrana = HranaServerProcess(scratch / "index.db", token=secrets.token_hex(16), latency_ms=args.latency_ms)
        entrypoint = None
        try:
            server.create_bucket("notes")
            began = time.monotonic()
            count = upload_corpus(server, "notes", scratch / "corpus")
            print(f"uploaded {count} notes in {time.monotonic() - began:.1f} s", file=sys.stderr)

            state = scratch / "container"
            mountpoint = state / "notes"
            env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "TURSO_", "NB_", "RCLONE_"))}
            env.update(
                S3_ENDPOINT=server.endpoint, S3_BUCKET="notes", S3_REGION=REGION,
                S3_ACCESS_KEY_ID=server.access_key, S3_SECRET_ACCESS_KEY=server.secret_key,
                TURSO_DATABASE_URL=hrana.url, TURSO_AUTH_TOKEN=hrana.token,
                NB_MOUNT_POINT=str(mountpoint), NB_CACHE_DIR=str(state / "cache"), NB_STATE_DIR=str(state / "run"),
                NB_RC_PORT=str(free_ports(1)[0]), NB_STATUS_INTERVAL="1", NB_SCAN_INTERVAL=str(args.scan_interval), NOTEBRIDGE_BIN=args.notebridge,
                RCLONE_BIN=str(DEBIAN_RCLONE if DEBIAN_RCLONE.exists() else find_rclone()),
            )
            state.mkdir()
            log_path = state / "entrypoint.log"
            status_file = state / "run" / "status.json"

            def status() -> dict:
                try:
                    return json.loads(status_file.read_text())
                except (FileNotFoundError, ValueError):
                    return {}

            # Cold index: fresh database, fresh mount (nothing listed or cached yet).
            started = time.monotonic()
            with open(log_path, "wb") as log:
                entrypoint = subprocess.Popen([str(REPO / "deploy" / "entrypoint.sh")], env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)

            def watching() -> bool:
                if entrypoint.poll() is not None:
                    raise RuntimeError(f"entrypoint exited:\n{log_path.read_text()}")
                return status().get("state") == "watching"

            wait_until(watching, timeout=3600, interval=0.05, what="the watcher is watching")
            results["coldStartSeconds"] = round(time.monotonic() - started, 2)
            indexed_line = next(line for line in log_path.read_text().splitlines() if " added, " in line)
            results["watcherInitialIndex"] = indexed_line.split("INFO watch: ", 1)[1]
            with sqlite3.connect(f"file:{hrana.db_path}?mode=ro", uri=True) as db:
                results["notesIndexed"] = db.execute("SELECT count(*) FROM notes").fetchone()[0]
            watch_pid = int((state / "run" / "watch.pid").read_text())
            rclone_pid = int(re.search(r"rclone pid (\d+)", log_path.read_text()).group(1))
            results["memoryAfterIndexKiB"] = memory_kb(watch_pid)
            hrana_stats = hrana.stats()
            results["hranaRequestsForColdIndex"] = sum(hrana_stats.get("paths", {}).values())

            # Change-to-feed latency on the watcher's own mount.
            existing = sorted(p.relative_to(mountpoint) for p in (mountpoint / "inbox").glob("*.md"))
            latencies, rows_per_write = [], {"edit": [], "new": []}
            for i in range(args.writes):
                kind = "edit" if i % 2 == 0 and existing else "new"
                if kind == "edit":
                    relative = str(existing[i % len(existing)])
                    text = (mountpoint / relative).read_text() + f"\n- [fact] edit {i} from the bench\n"
                else:
                    relative = f"bench/new-{i}.md"
                    (mountpoint / "bench").mkdir(exist_ok=True)
                    text = f"---\ntitle: Bench {i}\n---\n- [fact] written by the bench\n"
                before = last_seq(hrana.db_path)
                with open(mountpoint / relative, "w") as note:
                    note.write(text)
                written = time.monotonic()
                wait_until(lambda: feed_rows(hrana.db_path, before, relative), timeout=30, interval=0.002,
                           what=f"{relative} in the change feed")
                latencies.append(time.monotonic() - written)
                # Let a second row (if the write made two) arrive before counting.
                time.sleep(0.3)
                rows_per_write[kind].append(len(feed_rows(hrana.db_path, before, relative)))
            results["changeToFeedMs"] = {
                "p50": round(statistics.median(latencies) * 1000), "p95": round(percentile(latencies, 0.95) * 1000),
                "max": round(max(latencies) * 1000), "n": len(latencies),
            }
            # {"new": {"1": 20, "2": 5}}: how many writes made one feed row, how many two.
            results["feedRowsPerWrite"] = {kind: {str(k): rows.count(k) for k in sorted(set(rows))}
                                           for kind, rows in rows_per_write.items()}

            # Idle: wait for rclone's uploads to finish, then measure.
            time.sleep(8)  # past the 5 s write-back: the uploads are done and rclone is idle
            scans_before = status().get("scans", 0)
            cpu_watch, cpu_rclone = cpu_seconds(watch_pid), cpu_seconds(rclone_pid)
            time.sleep(args.idle_seconds)
            idle_watch = cpu_seconds(watch_pid) - cpu_watch
            idle_rclone = cpu_seconds(rclone_pid) - cpu_rclone
            results["idle"] = {
                "seconds": args.idle_seconds, "scansDuringWindow": status().get("scans", 0) - scans_before,
                "watchCpuSeconds": round(idle_watch, 3), "watchCpuPercent": round(100 * idle_watch / args.idle_seconds, 2),
                "rcloneCpuSeconds": round(idle_rclone, 3),
                "rcloneCpuPercent": round(100 * idle_rclone / args.idle_seconds, 2),
            }
            results["memoryIdleKiB"] = memory_kb(watch_pid)

            # The same corpus from a local disk into a fresh database with the same latency: what the mount costs.
            local = HranaServerProcess(scratch / "local.db", token=secrets.token_hex(16), latency_ms=args.latency_ms)
            try:
                began = time.monotonic()
                subprocess.run([args.notebridge, "index", "--root", str(scratch / "corpus"), "--database", local.url],
                               env=dict(env, TURSO_AUTH_TOKEN=local.token), check=True, capture_output=True)
                results["localDiskIndexSeconds"] = round(time.monotonic() - began, 2)
            finally:
                local.stop()

            stopping = time.monotonic()
            entrypoint.send_signal(signal.SIGTERM)
            code = entrypoint.wait(timeout=300)
            results["stop"] = {"seconds": round(time.monotonic() - stopping, 2), "exitCode": code,
                               "mounted": is_mounted(mountpoint)}
        finally:
            if entrypoint is not None and entrypoint.poll() is None:
                os.killpg(entrypoint.pid, signal.SIGKILL)
                entrypoint.wait()
                subprocess.run(["fusermount3", "-uz", str(scratch / "container" / "notes")], check=False)
            hrana.stop()
            server.stop()

    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
