"""Hardening, mount faults, on real storage (SeaweedFS + rclone mount + the Hrana index server):
rclone crashing with a save still in its cache and coming back on the same cache; the mount
vanishing so that its mount point is a bare local folder again; the S3 server hanging (SIGSTOP)
with an upload pending. (A save blocked on a rename during the outage: test_mount_bridge.py.)
"""
import os
import sqlite3
import time

import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.lsp import LspClient, ResponseError
from harness.polling import wait_until
from harness.s3mount import RcloneMount


def start_bridge(mount, hrana, device, *extra):
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana.token,
               RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    client = LspClient(["serve", "--root", str(mount.mountpoint), "--database", hrana.url, "--device", device,
                        "--rclone-rc", mount.rc_url, "--poll-interval", "0.3", "--scan-interval", "1",
                        "--save-timeout", "4", *extra], env=env)
    client.initialize(capabilities={"window": {"workDoneProgress": True}})
    client.wait_indexed()
    return client


def save_until_it_succeeds(client, params, timeout=40):
    def attempt():
        try:
            return client.request("notes/save", params, timeout=30)
        except ResponseError:
            return None
    return wait_until(attempt, timeout=timeout, interval=0.5, what=f"saving {params['path']} succeeding")


def indexed_paths(hrana):
    with sqlite3.connect(hrana.db_path) as db:
        return sorted(row[0] for row in db.execute("SELECT path FROM notes"))


def indexed_checksum(hrana, path):
    with sqlite3.connect(hrana.db_path) as db:
        row = db.execute("SELECT checksum FROM notes WHERE path = ?", (path,)).fetchone()
        return row and row[0]


def test_rclone_crashing_and_coming_back_on_its_cache_uploads_the_pending_save(
        mount_factory, hrana_server, s3_server, bucket, s3):  # noqa: F811
    mount = mount_factory("device-a", write_back="30s")  # the save stays in the cache when rclone dies
    bridge = start_bridge(mount, hrana_server, "device-a")
    revived = None
    try:
        text = "---\ntitle: Pending\n---\nheld in rclone's cache when it died\n"
        saved = bridge.request("notes/save", {"path": "pending.md", "text": text})
        assert saved["status"] == "saved" and saved["uploaded"] is False and not s3.exists("pending.md")

        mount.process.kill()  # rclone crashes: the mount point answers ENOTCONN until unmounted
        during = {"path": "during.md", "text": "---\ntitle: During\n---\nwritten while rclone was dead\n"}
        began = time.monotonic()
        with pytest.raises(ResponseError) as failed:
            bridge.request("notes/save", during, timeout=30)
        assert time.monotonic() - began < 10
        assert failed.value.message, "a failed save must say why"
        assert bridge.request("notes/search", {"query": "cache"})["results"]  # the index still answers

        mount.kill()  # clears the dead FUSE mount
        revived = RcloneMount.start(s3_server, bucket, mount.mountpoint, mount.cache_dir,
                                    write_back="1s", dir_cache_time="2s")
        wait_until(lambda: s3.exists("pending.md") and s3.get("pending.md") == text.encode(), timeout=60,
                   what="the save rclone held in its cache uploaded after the restart")
        again = save_until_it_succeeds(bridge, during)
        assert again["status"] == "saved"
        revived.flush()
        assert s3.get("during.md") == during["text"].encode()
        # After a crash rclone may serve the recovered file short (size right, bytes missing) for a
        # while: the bridge must neither index that nor hand it out as the note's text.
        checksum = saved["checksum"]
        watch_until = time.monotonic() + 3  # three scan intervals
        while time.monotonic() < watch_until:
            assert indexed_checksum(hrana_server, "pending.md") == checksum, "a short read was indexed as the note"
            time.sleep(0.25)
        try:
            assert bridge.request("notes/open", {"path": "pending.md"})["text"] == text
        except ResponseError as refused:
            assert "pending.md" in refused.message
        assert bridge.process.poll() is None
    finally:
        if revived is not None:
            revived.stop(flush_timeout=30)
        bridge.shutdown()
        bridge.close()


def test_a_vanished_mount_is_not_taken_for_an_empty_vault_and_no_save_lands_under_it(
        mount_factory, hrana_server, s3_server, bucket, s3):  # noqa: F811
    mount = mount_factory("device-a")
    long_ago = time.time() - 3 * 3600  # older than the scan's grace for notes the mount has not listed yet
    for n in range(3):
        path = mount.mountpoint / f"old-{n}.md"
        path.write_text(f"---\ntitle: Old {n}\n---\nwritten long ago, number {n}\n")
        os.utime(path, (long_ago, long_ago))
    mount.flush()
    bridge = start_bridge(mount, hrana_server, "device-a")
    revived = None
    try:
        opened = bridge.request("notes/open", {"path": "old-0.md"})
        assert indexed_paths(hrana_server) == ["old-0.md", "old-1.md", "old-2.md"]

        mount.kill()  # rclone gone and unmounted: the mount point is a bare, empty local folder now
        assert not os.listdir(mount.mountpoint)
        watch_until = time.monotonic() + 5  # five scan intervals
        while time.monotonic() < watch_until:
            assert indexed_paths(hrana_server) == ["old-0.md", "old-1.md", "old-2.md"], "a vanished mount emptied the index"
            time.sleep(0.25)
        deleted = [c for params in bridge.notifications("notes/didChange") for c in params["changes"] if c["kind"] == "deleted"]
        assert deleted == []

        edited = opened["text"] + "an edit made while the mount was gone\n"
        try:
            bridge.request("notes/save", {"path": "old-0.md", "text": edited, "baseVersion": opened["version"]}, timeout=30)
            landed_under = True
        except ResponseError:
            landed_under = False
        stray = os.listdir(mount.mountpoint)
        assert not landed_under and stray == [], f"a save went to the bare mount point folder: {stray}"

        revived = RcloneMount.start(s3_server, bucket, mount.mountpoint, mount.cache_dir,
                                    write_back="1s", dir_cache_time="2s")
        again = save_until_it_succeeds(bridge, {"path": "old-0.md", "text": edited, "baseVersion": opened["version"]})
        assert again["status"] == "saved"
        revived.flush()
        assert s3.get("old-0.md") == edited.encode()
        assert indexed_paths(hrana_server) == ["old-0.md", "old-1.md", "old-2.md"]
    finally:
        if revived is not None:
            revived.stop(flush_timeout=30)
        bridge.shutdown()
        bridge.close()


def test_a_save_made_while_s3_hangs_is_uploaded_once_it_answers_again(mount_factory, hrana_server, s3_server, s3):  # noqa: F811
    mount = mount_factory("device-a", write_back="1s")
    bridge = start_bridge(mount, hrana_server, "device-a")
    text = "---\ntitle: Stalled\n---\nsaved while the bucket did not answer\n"
    try:
        s3_server.pause()  # SIGSTOP: connections hang rather than fail
        saved = bridge.request("notes/save", {"path": "stalled.md", "text": text}, timeout=30)
        assert saved["status"] == "saved" and saved["uploaded"] is False
        for _ in range(3):  # the bridge keeps answering while the upload hangs
            began = time.monotonic()
            bridge.request("notes/search", {"query": "stalled"})
            assert time.monotonic() - began < 1
        assert (mount.mountpoint / "stalled.md").read_text() == text
    finally:
        s3_server.resume()
    try:
        landed = bridge.wait_notification("notes/didUpload", lambda p: p["path"] == "stalled.md", timeout=90)
        assert landed["checksum"] == saved["checksum"]
        assert s3.get("stalled.md") == text.encode()
    finally:
        bridge.shutdown()
        bridge.close()
