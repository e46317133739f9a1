"""Issue 14 #3: a rename that fails after the index swap was won must never remove the note from
the index.

The save's one Hrana round trip is made slow (2 s); while it is under way (its temporary file
is on the mount) rclone is killed, so the mount is gone when the bridge renames. The note's
file is unreachable, not deleted: the index must keep naming it.
"""
import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import index_row, start_bridge, stop, temporaries, token, wait_for_index_request

ORIGINAL = "---\ntitle: Kept\n---\n\nline 0: original\n"


def test_a_failed_rename_after_a_won_swap_keeps_the_note_in_the_index(mount_factory, hrana_server, s3):  # noqa: F811
    mount = mount_factory("device-a")
    bridge = start_bridge(mount.mountpoint, hrana_server.url, "device-a", "--save-timeout", "20",
                          "--poll-interval", "3600", hrana=hrana_server, mount=mount)
    try:
        created = bridge.request("notes/save", {"path": "kept.md", "text": ORIGINAL})
        bridge.wait_notification("notes/didUpload", lambda p: p["path"] == "kept.md", timeout=30)
        assert index_row(hrana_server.db_path, "kept.md")["version"] == created["version"]

        hrana_server.control("latency", {"ms": 2000})
        hrana_server.control("reset-stats", {})
        _, box = bridge.request_async("notes/save", {"path": "kept.md", "text": ORIGINAL + f"line 1: {token()}\n",
                                                     "baseVersion": created["version"],
                                                     "baseChecksum": created["checksum"]})
        wait_for_index_request(hrana_server)  # the swap is on its way (and its temporary file on the mount)
        if not temporaries(mount.mountpoint):
            pytest.fail("precondition: the save's temporary file should be on the mount")
        mount.kill()  # the swap's round trip is still under way; the rename will find no mount
        try:
            bridge.wait_response(box, timeout=40)
        except Exception:
            pass  # failing is right: the rename did not happen
        hrana_server.control("latency", {"ms": 0})
        row = index_row(hrana_server.db_path, "kept.md")
        assert row is not None, "the index no longer has the note although its file was only unreachable"
        # rclone back on the same cache dir uploads what it held: never the save's temporary file.
        mount_factory("device-a").flush(timeout=60)
        assert not [key for key in s3.keys() if ".nb-tmp-" in key], "a temporary file reached the bucket"
    finally:
        hrana_server.control("latency", {"ms": 0})
        stop(bridge)
