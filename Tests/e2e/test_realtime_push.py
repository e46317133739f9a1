"""Real time across devices (issue 16) on the real stack: SeaweedFS, rclone FUSE mounts and the
Hrana server. With rclone 1.64+ (PyPI's 1.75 here) the bridge and `notebridge watch --rclone-rc`
have rclone upload a written note at once instead of after `--vfs-write-back`; with Debian's
1.60 they fall back to the write-back delay and doctor says so. A dirty buffer hears that its
edits will conflict together with the change notification, not once the mount shows the bytes.

The mounts here use a 10 s write-back, so "in the bucket within 4 s" can only be the push.
"""
import os
import subprocess
import time

import pytest

from harness.fixtures import MountOptions, bucket, mount_factory, s3, s3_server  # noqa: F401
from harness.no_loss import start_bridge, stop
from harness.polling import wait_until

WRITE_BACK = "10s"
PUSHED_WITHIN = 4.0  # seconds; well inside the write-back delay, generous for a loaded machine


@pytest.fixture
def mount_options() -> MountOptions:
    return MountOptions(rclone="pypi", write_back=WRITE_BACK, dir_cache_time="5m")


def in_bucket(s3, key, data):  # noqa: F811
    return lambda: s3.exists(key) and s3.get(key) == data


def seconds_until_in_bucket(s3, key, data, started, timeout=30.0):  # noqa: F811
    wait_until(in_bucket(s3, key, data), timeout=timeout, interval=0.02, what=f"{key} in the bucket with the saved bytes")
    return time.monotonic() - started


def doctor(notebridge_bin, mount):
    env = dict(os.environ, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    result = subprocess.run([str(notebridge_bin), "doctor", "--root", str(mount.mountpoint), "--rclone-rc", mount.rc_url],
                            capture_output=True, text=True, timeout=60, env=env)
    return result.stdout + result.stderr


@pytest.fixture
def device_a(mount_factory, hrana_server):  # noqa: F811
    """A bridge (with the mount's remote control) on mount A: (mount, bridge)."""
    mount = mount_factory("device-a")
    bridge = start_bridge(mount.mountpoint, hrana_server.url, "device-a", hrana=hrana_server, mount=mount)
    yield mount, bridge
    stop(bridge)


def check_line(output, name):
    return next(line for line in output.splitlines() if line.split(" ", 1)[-1].strip().startswith(name + ":"))


def test_a_save_and_a_conflict_copy_are_in_the_bucket_before_the_write_back_delay(device_a, s3):  # noqa: F811
    _, bridge = device_a
    text = "---\ntitle: Pushed\n---\nthese bytes must not wait for the write-back delay\n"
    started = time.monotonic()
    saved = bridge.request("notes/save", {"path": "inbox/pushed.md", "text": text})
    assert saved["status"] == "saved"
    elapsed = seconds_until_in_bucket(s3, "inbox/pushed.md", text.encode(), started)
    assert elapsed < PUSHED_WITHIN, f"the save reached the bucket after {elapsed:.2f} s (write-back {WRITE_BACK})"
    bridge.wait_notification("notes/didUpload", lambda p: p["checksum"] == saved["checksum"], timeout=10)

    # A second save of the same file (its queue entry is new again) is pushed too.
    second = text + "and a second line\n"
    started = time.monotonic()
    assert bridge.request("notes/save", {"path": "inbox/pushed.md", "text": second,
                                         "baseVersion": saved["version"]})["status"] == "saved"
    elapsed = seconds_until_in_bucket(s3, "inbox/pushed.md", second.encode(), started)
    assert elapsed < PUSHED_WITHIN, f"the second save reached the bucket after {elapsed:.2f} s"

    # A stale save makes a conflict copy: it is pushed as well.
    stale = bridge.request("notes/save", {"path": "inbox/pushed.md", "text": text + "mine\n",
                                          "baseVersion": saved["version"]})
    if stale["status"] == "conflict":
        copy = stale["conflict"]["copyPath"]
        started = time.monotonic()
        wait_until(lambda: s3.exists(copy), timeout=30, interval=0.02, what="the conflict copy in the bucket")
        elapsed = time.monotonic() - started
        assert elapsed < PUSHED_WITHIN, f"the conflict copy reached the bucket after {elapsed:.2f} s"
    else:  # the bridge merged the two edits instead; the merge is a save like any other
        assert stale["status"] == "merged"
        elapsed = seconds_until_in_bucket(s3, "inbox/pushed.md", stale["text"].encode(), time.monotonic())
        assert elapsed < PUSHED_WITHIN


def test_an_editors_own_write_on_the_bridges_mount_is_pushed_too(device_a, s3):  # noqa: F811
    mount, _ = device_a
    text = "---\ntitle: Written by the editor\n---\nHelix and VS Code write the file themselves\n"
    started = time.monotonic()
    (mount.mountpoint / "own.md").write_text(text)  # not through notes/save
    elapsed = seconds_until_in_bucket(s3, "own.md", text.encode(), started)
    assert elapsed < PUSHED_WITHIN + 1.0, f"the editor's write reached the bucket after {elapsed:.2f} s"


def test_watch_with_rclone_rc_pushes_a_plain_write_on_the_mount(mount_factory, s3, notebridge_bin, tmp_path):  # noqa: F811
    mount = mount_factory("container")
    status_file = tmp_path / "status.json"
    env = dict(os.environ, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    watch = subprocess.Popen([str(notebridge_bin), "watch", "--root", str(mount.mountpoint),
                              "--database", str(tmp_path / "index.sqlite"), "--device", "cloud",
                              "--status-file", str(status_file), "--rclone-rc", mount.rc_url],
                             env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "watch.log", "wb"))
    try:
        wait_until(status_file.exists, timeout=60, what="watch is watching")
        text = "---\ntitle: From Basic Memory\n---\n- [idea] written in the container\n"
        started = time.monotonic()
        (mount.mountpoint / "bm").mkdir()
        (mount.mountpoint / "bm" / "note.md").write_text(text)  # a plain write, as Basic Memory makes it
        elapsed = seconds_until_in_bucket(s3, "bm/note.md", text.encode(), started)
        assert elapsed < PUSHED_WITHIN, f"the container's write reached the bucket after {elapsed:.2f} s"
    finally:
        watch.terminate()
        assert watch.wait(timeout=60) == 0, (tmp_path / "watch.log").read_text()
    assert mount.rc_pass not in (tmp_path / "watch.log").read_text()


def test_doctor_says_rclone_175_pushes_uploads(mount_factory, notebridge_bin):  # noqa: F811
    mount = mount_factory("device-a")
    output = doctor(notebridge_bin, mount)
    line = check_line(output, "rclone.push")
    assert line.startswith("ok") and "v1.75" in line, output


def test_rclone_160_falls_back_to_the_write_back_delay_and_doctor_says_so(mount_factory, hrana_server, s3,  # noqa: F811
                                                                        notebridge_bin):
    mount = mount_factory("debian", rclone="debian", write_back="1s")
    bridge = start_bridge(mount.mountpoint, hrana_server.url, "device-a", hrana=hrana_server, mount=mount)
    try:
        text = "---\ntitle: Old rclone\n---\nsaved through rclone 1.60\n"
        saved = bridge.request("notes/save", {"path": "old.md", "text": text})
        assert saved["status"] == "saved" and saved["uploaded"] is False
        bridge.wait_notification("notes/didUpload", lambda p: p["checksum"] == saved["checksum"], timeout=30)
        assert s3.get("old.md") == text.encode()
        assert bridge.request("notes/open", {"path": "old.md"})["text"] == text
    finally:
        stop(bridge)
    output = doctor(notebridge_bin, mount)
    line = check_line(output, "rclone.push")
    assert line.startswith("warn") and "1.64" in line and "--vfs-write-back" in line, output


def test_a_dirty_buffer_hears_it_will_conflict_with_the_change_notification(mount_factory, hrana_server, s3):  # noqa: F811
    text = "---\ntitle: Shared\n---\nthe first version\n"
    s3.put("shared.md", text.encode())
    mount_a, mount_b = mount_factory("device-a"), mount_factory("device-b")
    # A has no remote control, so its save waits out the 10 s write-back: B's mount cannot show the
    # new bytes for that long, and B's diagnostic must not wait for them.
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", hrana=hrana_server)
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", hrana=hrana_server, mount=mount_b)
    try:
        uri = (mount_b.mountpoint / "shared.md").as_uri()
        b.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        b.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
        b.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                            "contentChanges": [{"text": text + "an unsaved line on B\n"}]})
        base = a.request("notes/open", {"path": "shared.md"})
        saved = a.request("notes/save", {"path": "shared.md", "text": text + "saved on A\n", "baseVersion": base["version"]})
        assert saved["status"] == "saved"
        b.wait_notification("notes/didChange", lambda p: any(c["checksum"] == saved["checksum"] for c in p["changes"]),
                            timeout=10)
        heard = time.monotonic()

        def conflict_warning(params):
            return params["uri"] == uri and any(d.get("code") == "changed-elsewhere-dirty" for d in params["diagnostics"])
        b.wait_notification("textDocument/publishDiagnostics", conflict_warning, timeout=20)
        after = time.monotonic() - heard
        assert after < 3.0, f"the dirty buffer's diagnostic came {after:.2f} s after notes/didChange"
    finally:
        stop(a, b)
