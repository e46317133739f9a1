"""Issue 14 #5: a note whose index entry names bytes no file has must heal, and a crash must not
leave temporary files behind for good.

The bridge is killed (-9) while its save's Hrana round trip is under way (slowed to 2 s): the
server still commits the swap, so the index names the new bytes while the mount keeps the old
file and the save's temporary file. A bridge started again on that mount must clean up the
temporary file, and within one scan interval the note must open fresh and take saves again
(the file wins; today every save fails with "the newer version … has not reached this mount").
"""
import signal

import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import index_row, start_bridge, stop, temporaries, token, wait_for_index_request
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Wedged\n---\n\nline 0: original\n"
SCAN_INTERVAL = 2


def crash_during_the_swap(mount, hrana_server):
    """Creates wedged.md, then kills its bridge (-9) while a save's swap is on its way to the index
    (slowed to 2 s), which commits it. Returns a function starting a bridge on the same mount."""
    def bridge(*extra):
        return start_bridge(mount.mountpoint, hrana_server.url, "device-a", "--save-timeout", "10",
                            "--scan-interval", str(SCAN_INTERVAL), *extra, hrana=hrana_server, mount=mount)

    first = bridge("--poll-interval", "3600")  # no feed polls: the next index request is the save's swap
    created = first.request("notes/save", {"path": "wedged.md", "text": ORIGINAL})
    first.wait_notification("notes/didUpload", lambda p: p["path"] == "wedged.md", timeout=30)
    hrana_server.control("latency", {"ms": 2000})
    hrana_server.control("reset-stats", {})
    first.request_async("notes/save", {"path": "wedged.md", "text": ORIGINAL + f"line 1: {token()}\n",
                                       "baseVersion": created["version"], "baseChecksum": created["checksum"]})
    wait_for_index_request(hrana_server)
    if not temporaries(mount.mountpoint):
        pytest.fail("precondition: the save's temporary file should be on the mount")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    first.close()
    try:
        wait_until(lambda: index_row(hrana_server.db_path, "wedged.md")["version"] > created["version"], timeout=10,
                   what="the server committed the dead bridge's swap")
    except TimeoutError:
        pytest.fail("precondition: the index server should commit the dead bridge's swap")
    hrana_server.control("latency", {"ms": 0})
    return bridge


def test_an_index_entry_naming_bytes_no_file_has_heals(mount_factory, hrana_server):  # noqa: F811
    mount = mount_factory("device-a")
    second = crash_during_the_swap(mount, hrana_server)()
    try:
        def healed():
            opened = second.request("notes/open", {"path": "wedged.md"})
            return not opened["stale"] and opened
        opened = wait_until(healed, timeout=SCAN_INTERVAL + 15, interval=0.5, what="the note opens fresh again")
        result = second.request("notes/save", {"path": "wedged.md", "text": opened["text"] + f"line 2: {token()}\n",
                                               "baseVersion": opened["version"], "baseChecksum": opened["checksum"]})
        assert result["status"] in ("saved", "merged")
    finally:
        stop(second)


def test_a_killed_saves_temporary_file_does_not_stay(mount_factory, hrana_server):  # noqa: F811
    mount = mount_factory("device-a")
    second = crash_during_the_swap(mount, hrana_server)()
    try:
        wait_until(lambda: not temporaries(mount.mountpoint), timeout=SCAN_INTERVAL + 25, what="the crash's temporary file removed")
    finally:
        stop(second)
