"""Issue 14, found by `test_mount_bridge.py::test_concurrent_saves_never_lose_text`: the bucket can
go back to an older version. A device saves twice within milliseconds; rclone cancels the first
upload when the second replaces the file, and the S3 server still commits the cancelled PUT after
the second one. The mounts then show the older text although the newer one was acknowledged.

Here the late commit is made by hand (the older bytes PUT straight into the bucket after the
newer save landed). The device that wrote the newer version must write it back — not record the
older text as the note's newest version with the acknowledged save only in a conflict copy. A
program on the device writing those same older bytes through the mount is a write, though: the
file wins, the newer text is kept as a copy. The two are told apart by the older bytes' modification time:
from before the newer version (the object rclone uploaded keeps the file's mtime), or from now.
"""
import hashlib
import time

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import files_holding, index_row, start_bridge, stop, token
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Went Back\n---\n\nline 0: original\n"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def saved_twice(mount, hrana_server, s3):
    """A bridge on `mount` (grace for its own versions: save timeout 2 s + 2 s) that saved the
    note twice, the second save in the bucket. Returns (bridge, older text, newer text, its version)."""
    bridge = start_bridge(mount.mountpoint, hrana_server.url, "device-a", "--save-timeout", "2",
                          "--scan-interval", "1", hrana=hrana_server, mount=mount)
    created = bridge.request("notes/save", {"path": "back.md", "text": ORIGINAL})
    newer = ORIGINAL + f"line 1: acknowledged {token()}\n"
    saved = bridge.request("notes/save", {"path": "back.md", "text": newer, "baseVersion": created["version"]})
    assert saved["status"] == "saved"
    bridge.wait_notification("notes/didUpload", lambda p: p["checksum"] == saved["checksum"], timeout=30)
    return bridge, ORIGINAL, newer, saved["version"]


def test_the_bucket_going_back_to_an_older_version_gets_the_newer_one_written_back(mount_factory, hrana_server, s3):  # noqa: F811
    mount = mount_factory("device-a")
    bridge, older, newer, version = saved_twice(mount, hrana_server, s3)
    try:
        # The cancelled upload, committed late: rclone had stored the older file's mtime with it.
        s3.put("back.md", older.encode(), mtime=time.time() - 60)
        wait_until(lambda: any("the bucket went back" in line for line in bridge.stderr_lines), timeout=60,
                   what="the bridge finds the mount showing the older version")
        wait_until(lambda: s3.get("back.md").decode() == newer, timeout=60,
                   what="the acknowledged version back in the bucket")
        row = index_row(hrana_server.db_path, "back.md")
        assert (row["version"], row["checksum"]) == (version, sha256(newer)), "the index must keep the acknowledged version"
        assert [key for key in s3.keys() if ".conflict-" in key] == [], "nothing to keep: no text was replaced"
        opened = bridge.request("notes/open", {"path": "back.md"})
        assert (opened["text"], opened["stale"]) == (newer, False)
    finally:
        stop(bridge)


def test_older_bytes_written_by_a_program_on_the_device_win_with_a_copy_of_the_newer(mount_factory, hrana_server, s3):  # noqa: F811
    mount = mount_factory("device-a")
    bridge, older, newer, version = saved_twice(mount, hrana_server, s3)
    try:
        (mount.mountpoint / "back.md").write_text(older)  # e.g. `git checkout back.md`, at once
        wait_until(lambda: index_row(hrana_server.db_path, "back.md")["checksum"] == sha256(older), timeout=60,
                   what="the program's write recorded as the newest version")
        assert index_row(hrana_server.db_path, "back.md")["version"] > version
        wait_until(lambda: [name for name in files_holding(mount.mountpoint, newer.splitlines()[-1]) if ".conflict-" in name],
                   timeout=15, what="the replaced acknowledged version kept in a conflict copy")
        assert (mount.mountpoint / "back.md").read_text() == older
    finally:
        stop(bridge)
