#!/usr/bin/env python3
"""Issue 6's figures on a real rclone mount of a real S3 server (SeaweedFS on 127.0.0.1, started
and stopped here with the e2e harness — the same code scripts/mount-up.sh runs):

1. `notebridge bench` on the mount next to a local folder (file operations, saves, notifications).
2. Two devices: two mounts of one bucket, a `notebridge serve` on each (shared index through the
   Hrana test server, rclone remote control on). A saves; B hears `notes/didChange` (cross-device
   notification latency); once A's upload is in the bucket, B's `notes/open` returns the new text
   (fresh-read latency with rc).

usage: Benchmarks/mount_bench.py [--bin PATH] [--rounds 20] [--write-back 5s] [--out FILE]
"""
import argparse
import json
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from common import binary, emit, machine, run, summary
from devices import start_bridge, stop_devices
from harness.hrana_server import HranaServerProcess
from harness.s3mount import RcloneMount, S3Server


def bench_on_mount(bin_path, mount, work, iterations) -> dict:
    local = work / "local"
    local.mkdir()
    result = run([bin_path, "bench", "--root", mount.mountpoint, "--local", local, "--json", "--iterations", iterations,
                  "--only", "files,save,notify"], timeout=1800)
    return json.loads(result["stdout"])


def two_devices(bin_path, server, bucket, work, rounds, write_back, poll_interval) -> dict:
    hrana = HranaServerProcess(work / "shared.db", token=secrets.token_hex(16), log_path=work / "hrana.log")
    mounts, bridges = [], []
    try:
        for name in ("device-a", "device-b"):
            mounts.append(RcloneMount.start(server, bucket, work / name, work / f"{name}.cache",
                                            write_back=write_back, dir_cache_time="5m"))
        bridges = [start_bridge(bin_path, mounts[0], hrana, "device-a", poll_interval),
                   start_bridge(bin_path, mounts[1], hrana, "device-b", poll_interval)]
        a, b = bridges
        notify, fresh, save, visible = [], [], [], []
        version = 0
        for round_ in range(rounds):
            time.sleep(random.uniform(0, poll_interval))  # save at a random point of B's polling cycle
            text = f"---\ntitle: Shared\n---\n# Shared\n\nround {round_} {secrets.token_hex(8)}\n"
            started = time.monotonic()
            params = {"path": "bench/shared.md", "text": text}
            if version:
                params["baseVersion"] = version
            saved = a.request("notes/save", params)
            save.append((time.monotonic() - started) * 1000)
            assert saved["status"] == "saved", saved
            version = saved["version"]
            heard = b.wait_notification("notes/didChange", lambda p: any(
                c["path"] == "bench/shared.md" and c["checksum"] == saved["checksum"] for c in p["changes"]), timeout=30)
            notify.append((heard["_received"] - started) * 1000)
            a.wait_notification("notes/didUpload", lambda p: p["checksum"] == saved["checksum"], timeout=120)
            mounts[0].flush(timeout=120, settle=0.1)
            landed = time.monotonic()
            opened = b.request("notes/open", {"path": "bench/shared.md"}, timeout=60)
            fresh.append((time.monotonic() - landed) * 1000)
            visible.append((time.monotonic() - started) * 1000)
            assert opened["text"] == text and opened["checksum"] == saved["checksum"], "B read a stale or torn text"
        return {"rounds": rounds, "write_back": write_back, "poll_interval": poll_interval,
                "save_on_a": summary(save), "notify_a_to_b": summary(notify),
                "fresh_read_on_b_after_upload": summary(fresh), "save_to_fresh_on_b": summary(visible)}
    finally:
        stop_devices(bridges, mounts, hrana)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--write-back", default="5s", help="--vfs-write-back of the mounts (rclone's default 5s)")
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--out")
    args = parser.parse_args()
    bin_path = binary(args.bin)
    work = Path(tempfile.mkdtemp(prefix="nb-mount-bench-"))
    try:
        with S3Server.start(work / "s3") as server:
            server.create_bucket("notes")
            result = {"machine": machine()}
            with RcloneMount.start(server, "notes", work / "mount", work / "mount.cache", write_back=args.write_back,
                                   dir_cache_time="5m") as mount:
                result["rclone"] = mount.rc("core/version")["version"]
                result["bench"] = bench_on_mount(bin_path, mount, work, args.iterations)
            result["two_devices"] = two_devices(bin_path, server, "notes", work, args.rounds, args.write_back, args.poll_interval)
            result["machine"]["load_after"] = machine()["load"]
        emit(result, args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
