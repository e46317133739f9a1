"""Issue 14 #6: NUL-padded bytes (what an rclone cache recovering a file can serve: an old
version's bytes followed by NULs up to the real size) must never be indexed or served as a note.

The torn read itself needs rclone's cache in a rare state; what the bridge does with such bytes
does not, so the file here shows exactly those bytes on a local folder, through inotify and the scan.
"""
import hashlib
import time


from harness.no_loss import index_row, start_bridge, stop
from harness.vault import note_text, vault  # noqa: F401

NOTICE_WITHIN = 5  # inotify is immediate, the scan runs every second


def test_nul_padded_bytes_are_never_indexed_or_served(vault):  # noqa: F811
    old = note_text("Padded", "line 0: an old version\n")
    vault.write("padded.md", old)
    bridge = start_bridge(vault.root, str(vault.database), "reader", "--scan-interval", "1")
    try:
        padded = old.encode() + b"\0" * 446
        (vault.root / "padded.md").write_bytes(padded)
        padded_checksum = hashlib.sha256(padded).hexdigest()
        deadline = time.monotonic() + NOTICE_WITHIN
        while time.monotonic() < deadline:
            assert index_row(vault.database, "padded.md")["checksum"] != padded_checksum, "NUL-padded bytes indexed"
            time.sleep(0.2)
        try:
            opened = bridge.request("notes/open", {"path": "padded.md"})
        except Exception:
            return  # refusing to open it is fine
        assert "\0" not in opened["text"], "notes/open served NUL-padded bytes as the note"
    finally:
        stop(bridge)
