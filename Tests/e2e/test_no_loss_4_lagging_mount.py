"""Issue 14 #4: text from a lagging mount must never be recorded as the note's newest version.

Device B saves (its upload held back by rclone's write-back), so device A's mount still shows the
old text. A program on device A edits that old text through A's mount. A's bridge sees the write
(inotify or scan). Recording it as the newest version would revert B's acknowledged save: it may
be recorded only if B's text is kept as a conflict copy; otherwise the index must keep B's version.
"""
import hashlib
import time

import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import files_holding, index_row, save_held_on_b, start_bridge, stop, token
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Lagging\n---\n\n" + "".join(f"line {k}: original\n" for k in range(6))
NOTICE_WITHIN = 8  # inotify, or the 2 s scan, has long run by then


def test_an_old_text_written_on_a_lagging_mount_does_not_revert_another_devices_save(mount_factory, hrana_server):  # noqa: F811
    mount_a = mount_factory("device-a")
    mount_b = mount_factory("device-b", write_back="20s")  # B's upload stays in its cache during the test (<= 19 s)
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--scan-interval", "2",
                     hrana=hrana_server, mount=mount_a)
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", "--scan-interval", "2", hrana=hrana_server)
    try:
        b_saved, b_token = save_held_on_b(a, b, "lag.md", ORIGINAL)

        on_a = mount_a.mountpoint / "lag.md"
        if on_a.read_text() != ORIGINAL:
            pytest.fail("precondition: A's mount should still show the old text")
        outside = ORIGINAL + f"line x: written on device A by another program {token()}\n"
        on_a.write_text(outside)
        outside_checksum = hashlib.sha256(outside.encode()).hexdigest()
        deadline = time.monotonic() + NOTICE_WITHIN
        while time.monotonic() < deadline and index_row(hrana_server.db_path, "lag.md")["checksum"] != outside_checksum:
            time.sleep(0.2)
        row = index_row(hrana_server.db_path, "lag.md")
        if row["checksum"] == outside_checksum:
            wait_until(lambda: files_holding(mount_a.mountpoint, b_token), timeout=10,
                       what="B's reverted text kept as a conflict copy")
        else:
            assert row["checksum"] == b_saved["checksum"], row
    finally:
        stop(a, b)


def test_an_outside_write_first_seen_by_notes_open_keeps_the_version_it_replaced(mount_factory, hrana_server):  # noqa: F811
    """The soak's loss: a program on A rewrites the old text A's mount shows and a `notes/open` on A
    reads the file before the watcher does. The open records the bytes (they are the file now) but
    must keep B's version, which that program never saw, as a conflict copy."""
    mount_a = mount_factory("device-a")
    mount_b = mount_factory("device-b", write_back="20s")
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--scan-interval", "60",
                     hrana=hrana_server, mount=mount_a)
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", "--scan-interval", "60", hrana=hrana_server)
    try:
        b_saved, b_token = save_held_on_b(a, b, "opened.md", ORIGINAL)
        on_a = mount_a.mountpoint / "opened.md"
        if on_a.read_text() != ORIGINAL:
            pytest.fail("precondition: A's mount should still show the old text")
        outside = ORIGINAL + f"line x: written on device A by another program {token()}\n"
        on_a.write_text(outside)
        opened = a.request("notes/open", {"path": "opened.md"})

        assert opened["text"] == outside  # the file as it is now is the note's newest version
        assert opened["version"] > b_saved["version"]
        wait_until(lambda: files_holding(mount_a.mountpoint, b_token), timeout=10,
                   what="B's replaced text kept as a conflict copy")
    finally:
        stop(a, b)


def test_another_devices_write_from_the_parent_arriving_later_keeps_this_devices_save(mount_factory, hrana_server, s3):  # noqa: F811
    """The mount soak's loss: A's bridge saves; a program on device B (no bridge watching it) writes
    the note from the text it had before, and the bucket takes B's upload after A's. When A's mount
    shows B's bytes, A's bridge records them — they are the file — but A's save, which B's writer
    never saw, must stay in a conflict copy (this device wrote that version, yet the write over it
    came from elsewhere)."""
    mount_a = mount_factory("device-a")
    mount_b = mount_factory("device-b")
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--scan-interval", "2",
                     hrana=hrana_server, mount=mount_a)
    try:
        created = a.request("notes/save", {"path": "late.md", "text": ORIGINAL})
        mount_a.flush(timeout=30)
        on_b = mount_b.mountpoint / "late.md"
        wait_until(lambda: on_b.exists() and on_b.read_text() == ORIGINAL, timeout=30, what="B's mount shows the note")
        mine_token = token()
        mine = ORIGINAL + f"line a: saved through A's bridge {mine_token}\n"
        a.request("notes/save", {"path": "late.md", "text": mine, "baseVersion": created["version"]})
        mount_a.flush(timeout=30)
        wait_until(lambda: mine_token.encode() in s3.get("late.md"), timeout=30, what="A's save in the bucket")
        theirs = ORIGINAL + f"line b: written on device B from the text it had {token()}\n"
        on_b.write_text(theirs)
        mount_b.flush(timeout=30)
        theirs_checksum = hashlib.sha256(theirs.encode()).hexdigest()
        wait_until(lambda: index_row(hrana_server.db_path, "late.md")["checksum"] == theirs_checksum, timeout=60,
                   what="A's bridge records B's write once its mount shows it")
        # The recording observer writes the copy right after its swap: poll for it.
        wait_until(lambda: [name for name in files_holding(mount_a.mountpoint, mine_token) if ".conflict-" in name],
                   timeout=15, what="A's save kept in a conflict copy")
    finally:
        stop(a)
