"""Issue 14 #7: writers outside the bridges.

- An outside write that lands while a save is under way (after the save looked at the disk, before
  its rename) must not be overwritten without a copy: the disk is checked only at the start.
- After an outside rename on a mount, the old path must be consistently gone (open says it does
  not exist, and a save without a base creates it) and a `notebridge index` must drop it.
"""
import os
import subprocess
import time

import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.lsp import ResponseError, notebridge_binary
from harness.no_loss import files_holding, index_row, start_bridge, stop, token, wait_for_index_request
from harness.polling import wait_until
from harness.vault import note_text, vault  # noqa: F401


def test_an_outside_write_during_a_save_is_not_overwritten_without_a_copy(vault, hrana_server):  # noqa: F811
    original = note_text("Busy", "line 0: original\n")
    vault.write("busy.md", original)
    # No feed polling: the only index requests are the save's and what the outside write causes.
    bridge = start_bridge(vault.root, hrana_server.url, "saver", "--save-timeout", "20", "--poll-interval", "3600",
                          hrana=hrana_server)
    try:
        opened = bridge.request("notes/open", {"path": "busy.md"})
        ours, theirs = token(), token()
        hrana_server.control("latency", {"ms": 3000})  # the save's swap takes 3 s
        hrana_server.control("reset-stats", {})
        _, box = bridge.request_async("notes/save", {"path": "busy.md", "text": opened["text"] + f"line 1: {ours}\n",
                                                     "baseVersion": opened["version"],
                                                     "baseChecksum": opened["checksum"]})
        wait_for_index_request(hrana_server)
        # The write lands 1 s into the swap's round trip, so the swap is decided before anything the
        # bridge learns of the write can reach the index.
        time.sleep(1.0)
        (vault.root / "busy.md").write_text(original + f"line x: written outside {theirs}\n")
        try:
            result = bridge.wait_response(box, timeout=40)
        except ResponseError as error:
            result = {"status": f"error: {error}"}
        hrana_server.control("latency", {"ms": 0})
        assert files_holding(vault.root, theirs), f"the save ({result['status']}) overwrote an outside write, no copy"
        if result["status"] in ("saved", "merged", "conflict"):
            assert files_holding(vault.root, ours)
    finally:
        hrana_server.control("latency", {"ms": 0})
        stop(bridge)


MOUNT_GRACE = 8  # seconds a mount may lag behind the index (NOTEBRIDGE_MOUNT_GRACE; 45 by default)


def test_an_outside_rename_on_a_mount_is_seen_consistently_and_indexed(mount_factory, hrana_server, s3, monkeypatch):  # noqa: F811
    # A note missing from a mount is dropped once the grace, counted from when the index recorded
    # its version, has passed (not 600 s by the file's mtime). The bridges and the index run here
    # inherit the shorter grace, so the test need not wait 45 s.
    monkeypatch.setenv("NOTEBRIDGE_MOUNT_GRACE", str(MOUNT_GRACE))
    mount_a = mount_factory("device-a")
    outsider = mount_factory("outsider")  # another program's mount (Basic Memory's, say): no bridge, no inotify here
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--scan-interval", "2",
                     hrana=hrana_server, mount=mount_a)
    try:
        a.request("notes/save", {"path": "old.md", "text": "---\ntitle: Moved\n---\n\nline 0\n"})
        a.wait_notification("notes/didUpload", lambda p: p["path"] == "old.md", timeout=30)
        outsider.refresh()
        wait_until(lambda: (outsider.mountpoint / "old.md").exists(), timeout=20, what="the outsider sees the note")
        os.rename(outsider.mountpoint / "old.md", outsider.mountpoint / "new.md")
        outsider.flush(timeout=30)
        wait_until(lambda: s3.exists("new.md") and not s3.exists("old.md"), timeout=30, what="the rename in the bucket")

        fresh = mount_factory("fresh-view", dir_cache_time="1s")
        env = dict(os.environ, TURSO_AUTH_TOKEN=hrana_server.token)

        def final_index():
            subprocess.run([notebridge_binary(), "index", "--root", str(fresh.mountpoint), "--database", hrana_server.url,
                            "--device", "final"], check=True, env=env, capture_output=True, timeout=60)
            return index_row(hrana_server.db_path, "old.md") is None
        final_index()
        assert index_row(hrana_server.db_path, "new.md") is not None
        # Within the grace the entry may stay (another device's new note may not have reached a
        # mount yet); after it, a final `notebridge index` drops it.
        wait_until(final_index, timeout=MOUNT_GRACE + 30, interval=1, what="`notebridge index` dropped old.md")

        def answer(method, params):
            try:
                return a.request(method, params)
            except ResponseError as error:
                return error.code
        wait_until(lambda: answer("notes/open", {"path": "old.md"}) == -32803, timeout=15, interval=0.5,
                   what="device A's open says old.md does not exist")
        assert answer("notes/save", {"path": "old.md", "text": "---\ntitle: Again\n---\n"}) != -32602, \
            "a save without a base says old.md exists while open says it does not"
    finally:
        stop(a)


def test_a_save_on_a_local_disk_never_waits_for_a_checksum_the_disk_moved_past(vault):  # noqa: F811
    vault.write("restored.md", note_text("Restored", "line 0: original\n"))
    bridge = start_bridge(vault.root, str(vault.database), "saver", "--save-timeout", "4", "--scan-interval", "3600")
    try:
        opened = bridge.request("notes/open", {"path": "restored.md"})
        # Another program puts an other text in place keeping an older mtime (rsync -t, tar x, cp -p do).
        target = vault.root / "restored.md"
        before = target.stat()
        target.write_text(note_text("Restored", f"line 0: restored from a backup {token()}\n"))
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns - 60_000_000_000))
        result = bridge.request("notes/save", {"path": "restored.md",
                                               "text": opened["text"] + f"line 1: {token()}\n",
                                               "baseVersion": opened["version"], "baseChecksum": opened["checksum"]},
                                timeout=30)
        assert result["status"] in ("saved", "merged", "conflict")
    finally:
        stop(bridge)
