#!/usr/bin/env python3
"""Issue 16's figures: how soon a note written on one device can be read on another. SeaweedFS on
127.0.0.1, three rclone mounts of one bucket (laptops A and B, the container C) with rclone's
DEFAULT `--vfs-write-back 5s`, one shared index through the Hrana test server, a `notebridge
serve` on A and B (`--rclone-rc`) and `notebridge watch --rclone-rc` on C. Phases, each of
`--rounds` rounds:

1. bucket: A saves a note through `notes/save`; time until the object in the bucket (read with
   boto3, not through a mount) has exactly the saved bytes.
2. laptop→laptop: A saves; B hears `notes/didChange`; B calls `notes/open` until it returns the
   new text (readable), then saves on top of it at once (`:w` right after another device's save).
3. container→laptop: a plain write on C's mount (as Basic Memory writes); B hears it and calls
   `notes/open` until it returns the new text.

usage: Benchmarks/realtime_bench.py [--bin PATH] [--rounds 20] [--rclone pypi|debian|PATH]
                                   [--mount-flag=--attr-timeout=100ms …] [--out FILE]
"""
import argparse
import os
import random
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import binary, emit, machine, summary
from devices import start_bridge, stop_devices
from harness.hrana_server import HranaServerProcess
from harness.polling import wait_until
from harness.s3mount import RcloneMount, S3Server

NOTE = "bench/shared.md"


def start_watch(bin_path, mount, hrana, work):
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana.token, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    status = work / "watch-status.json"
    watch = subprocess.Popen([str(bin_path), "watch", "--root", str(mount.mountpoint), "--database", hrana.url,
                              "--device", "cloud", "--status-file", str(status), "--rclone-rc", mount.rc_url],
                             env=env, stdout=subprocess.DEVNULL, stderr=open(work / "watch.log", "wb"))
    wait_until(status.exists, timeout=120, what="watch is watching")
    return watch


def changed(path, checksum=None):
    return lambda p: any(c["path"] == path and (checksum is None or c["checksum"] == checksum) for c in p["changes"])


def open_until(client, path, text, started, timeout=60.0):
    """Calls notes/open until it returns `text`; ms from `started`, and how many opens it took."""
    deadline = time.monotonic() + timeout
    opens = 0
    while True:
        opens += 1
        try:
            opened = client.request("notes/open", {"path": path}, timeout=timeout)
        except Exception:  # noqa: BLE001 — "not there yet" answers are part of what is measured
            opened = None
        if opened and opened["text"] == text:
            return (time.monotonic() - started) * 1000, opened, opens
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never became readable")
        time.sleep(0.02)


def bucket_phase(a, s3, rounds):
    arrival, save = [], []
    version = 0
    for round_ in range(rounds):
        text = f"---\ntitle: Bucket\n---\nround {round_} {secrets.token_hex(8)}\n"
        started = time.monotonic()
        params = {"path": "bench/bucket.md", "text": text, **({"baseVersion": version} if version else {})}
        saved = a.request("notes/save", params)
        save.append((time.monotonic() - started) * 1000)
        version = saved["version"]
        wait_until(lambda: s3.get("bench/bucket.md") == text.encode() if s3.exists("bench/bucket.md") else False,
                   timeout=60, interval=0.01, what="the save in the bucket")
        arrival.append((time.monotonic() - started) * 1000)
        time.sleep(random.uniform(0.2, 0.6))
    return {"save_on_a": summary(save), "save_to_bucket": summary(arrival)}


def laptop_phase(a, b, rounds):
    notify, readable, opens, save_a, save_b = [], [], [], [], []
    version = 0
    for round_ in range(rounds):
        time.sleep(random.uniform(0, 1))  # at a random point of B's polling cycle
        text = f"---\ntitle: Shared\n---\n# Shared\n\nround {round_} {secrets.token_hex(8)}\n"
        started = time.monotonic()
        saved = a.request("notes/save", {"path": NOTE, "text": text, **({"baseVersion": version} if version else {})})
        save_a.append((time.monotonic() - started) * 1000)
        assert saved["status"] == "saved", saved
        heard = b.wait_notification("notes/didChange", changed(NOTE, saved["checksum"]), timeout=30)
        notify.append((heard["_received"] - started) * 1000)
        ms, opened, count = open_until(b, NOTE, text, started)
        readable.append(ms)
        opens.append(count)
        assert opened["checksum"] == saved["checksum"], "B read a torn text"
        # `:w` on B at once, on top of what it just read.
        began = time.monotonic()
        mine = b.request("notes/save", {"path": NOTE, "text": text + "edited on B\n", "baseVersion": opened["version"]})
        save_b.append((time.monotonic() - began) * 1000)
        assert mine["status"] == "saved", mine
        # A reloads B's version (as an editor does on notes/didChange) before its next save.
        a.wait_notification("notes/didChange", changed(NOTE, mine["checksum"]), timeout=30)
        version = open_until(a, NOTE, text + "edited on B\n", time.monotonic())[1]["version"]
    return {"notify_a_to_b": summary(notify), "readable_on_b": summary(readable),
            "opens_until_readable": summary(opens), "save_on_a_after_b": summary(save_a),
            "save_on_b_right_after_a": summary(save_b)}


def container_phase(container_mount, b, rounds):
    notify, readable = [], []
    folder = container_mount.mountpoint / "bm"
    folder.mkdir(exist_ok=True)
    for round_ in range(rounds):
        time.sleep(random.uniform(0, 1))
        text = f"---\ntitle: From Basic Memory\n---\n- [idea] round {round_} {secrets.token_hex(8)}\n"
        path = f"bm/note-{round_}.md"
        started = time.monotonic()
        (container_mount.mountpoint / path).write_text(text)  # a plain write, as Basic Memory makes it
        heard = b.wait_notification("notes/didChange", changed(path), timeout=60)
        notify.append((heard["_received"] - started) * 1000)
        ms, _, _ = open_until(b, path, text, started)
        readable.append(ms)
    return {"notify_c_to_b": summary(notify), "readable_on_b": summary(readable)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rclone", default="pypi", help="pypi (1.75), debian (1.60) or a path")
    parser.add_argument("--mount-flag", action="append", default=[], help="an extra rclone mount flag (repeatable)")
    parser.add_argument("--out")
    args = parser.parse_args()
    bin_path = binary(args.bin)
    work = Path(tempfile.mkdtemp(prefix="nb-realtime-bench-"))
    mounts, bridges, watch = [], [], None
    try:
        with S3Server.start(work / "s3") as server:
            server.create_bucket("notes")
            s3 = server.client("notes")
            hrana = HranaServerProcess(work / "shared.db", token=secrets.token_hex(16), log_path=work / "hrana.log")
            try:
                for name in ("laptop-a", "laptop-b", "container"):
                    mounts.append(RcloneMount.start(server, "notes", work / name, work / f"{name}.cache",
                                                    rclone=args.rclone, write_back="5s", dir_cache_time="5m",
                                                    extra_flags=args.mount_flag))
                result = {"machine": machine(), "rclone": mounts[0].rc("core/version")["version"],
                          "write_back": "5s (rclone's default)", "mount_flags": args.mount_flag, "rounds": args.rounds, "binary": str(bin_path)}
                bridges = [start_bridge(bin_path, mounts[0], hrana, "laptop-a"),
                           start_bridge(bin_path, mounts[1], hrana, "laptop-b")]
                watch = start_watch(bin_path, mounts[2], hrana, work)
                a, b = bridges
                result["bucket"] = bucket_phase(a, s3, args.rounds)
                result["laptop_to_laptop"] = laptop_phase(a, b, args.rounds)
                result["container_to_laptop"] = container_phase(mounts[2], b, args.rounds)
                result["machine"]["load_after"] = machine()["load"]
            finally:
                if watch:
                    watch.terminate()
                    watch.wait(timeout=60)
                stop_devices(bridges, mounts, hrana)
        emit(result, args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
