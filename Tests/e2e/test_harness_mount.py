"""The storage harness tells the truth: what these tests assert are the rclone/S3 behaviours the
product has to defend against, checked against the bucket itself (boto3), never only the mount."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import botocore.exceptions
import pytest

from harness.fixtures import MountOptions, bucket, mount_a, mount_b, mount_factory, s3, s3_server  # noqa: F401
from harness.polling import wait_until
from harness.processes import ManagedProcess
from harness.s3mount import DEBIAN_RCLONE, RcloneMount, S3Server, is_mounted

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def mount_options(request) -> MountOptions:
    """Listings cached for an hour, so only vfs/refresh can make remote changes visible here."""
    rclone = getattr(request, "param", None)
    if rclone == "debian" and not DEBIAN_RCLONE.exists():
        pytest.skip(f"{DEBIAN_RCLONE} is not installed")
    return MountOptions(rclone=rclone, dir_cache_time="1h")


def write_and_fsync(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def test_a_write_through_a_mount_is_in_the_bucket_after_flush_not_after_fsync(mount_factory, s3):
    mount = mount_factory("device", write_back="10s")
    data = os.urandom(200_000)

    write_and_fsync(mount.mountpoint / "notes" / "a.md", data)

    # fsync returned, yet the upload waits for --vfs-write-back (10 s, far longer than these checks
    # even on a loaded machine). FUSE tells rclone of the close asynchronously: the file joins the
    # upload queue a moment later.
    assert not s3.exists("notes/a.md")
    wait_until(lambda: mount.pending_uploads() == 1, timeout=5, what="the write queued for upload")
    assert not s3.exists("notes/a.md")
    mount.flush(timeout=30)
    assert mount.pending_uploads() == 0
    assert s3.get("notes/a.md") == data


def test_an_object_put_into_the_bucket_shows_in_a_mount_only_after_refresh(s3, mount_b):
    s3.put("notes/seed.md", b"seed")
    notes = mount_b.mountpoint / "notes"
    mount_b.refresh("notes")
    assert os.listdir(notes) == ["seed.md"]

    s3.put("notes/new.md", b"written by someone else")

    # S3 sends no change notification: the cached listing doesn't know the new object.
    assert os.listdir(notes) == ["seed.md"]
    mount_b.refresh("notes")
    assert sorted(os.listdir(notes)) == ["new.md", "seed.md"]
    assert (notes / "new.md").read_bytes() == b"written by someone else"


@pytest.mark.parametrize("mount_options", ["pypi", "debian"], indirect=True)
def test_two_devices_see_each_others_writes_after_refresh(mount_a, mount_b):
    assert os.listdir(mount_b.mountpoint) == []

    write_and_fsync(mount_a.mountpoint / "notes" / "from-a.md", b"A wrote this")
    mount_a.flush(timeout=30)
    assert os.listdir(mount_b.mountpoint) == []  # B's listing is cached for an hour
    mount_b.refresh("notes")  # B has never seen notes/: refresh() lists the root first
    assert (mount_b.mountpoint / "notes" / "from-a.md").read_bytes() == b"A wrote this"

    write_and_fsync(mount_b.mountpoint / "notes" / "from-b.md", b"B answered")
    mount_b.flush(timeout=30)
    assert sorted(os.listdir(mount_a.mountpoint / "notes")) == ["from-a.md"]
    mount_a.refresh("notes")
    assert sorted(os.listdir(mount_a.mountpoint / "notes")) == ["from-a.md", "from-b.md"]
    assert (mount_a.mountpoint / "notes" / "from-b.md").read_bytes() == b"B answered"


def test_a_paused_server_stops_answering_and_a_killed_one_restarts_with_its_data(s3_server, bucket, s3):
    s3.put("kept.md", b"survives a crash")
    impatient = s3_server.client(bucket, timeout=1.0)

    s3_server.pause()
    try:
        with pytest.raises(botocore.exceptions.ReadTimeoutError):
            impatient.get("kept.md")
    finally:
        s3_server.resume()
    assert impatient.get("kept.md") == b"survives a crash"

    s3_server.kill()
    assert not s3_server.running()
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        impatient.get("kept.md")
    s3_server.restart()
    assert s3.get("kept.md") == b"survives a crash"


def test_teardown_flushes_and_leaves_nothing_mounted_or_running_even_when_the_test_fails(tmp_path):
    mountpoint = tmp_path / "mnt"
    with pytest.raises(RuntimeError, match="the test failed"):
        with S3Server.start(tmp_path / "server") as server:
            server.create_bucket("notes")
            with RcloneMount.start(server, "notes", mountpoint, tmp_path / "cache", write_back="1s") as mount:
                pids = [server.pid, mount.pid]
                (mountpoint / "last.md").write_bytes(b"written just before the failure")
                raise RuntimeError("the test failed")

    assert not is_mounted(mountpoint)
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert list(tmp_path.glob("server/*.sock")) == []
    # Stopping the mount flushed the last write into the bucket.
    server.restart()
    try:
        assert server.client("notes").get("last.md") == b"written just before the failure"
    finally:
        server.stop()
    assert not server.running()


def _script(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Runs scripts/<name> with this venv's Python, as a person would from a shell."""
    env = dict(os.environ, NOTEBRIDGE_TEST_PYTHON=sys.executable)
    return subprocess.run([str(REPO / "scripts" / name), *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=180)


def test_mount_up_second_of_mounts_the_same_bucket_again_as_another_device(tmp_path):
    first, second = tmp_path / "device-a", tmp_path / "device-b"
    up = _script("mount-up.sh", first, "--write-back", "1s")
    assert up.returncode == 0, up.stderr
    try:
        up = _script("mount-up.sh", second, "--second-of", first)
        assert up.returncode == 0, up.stderr
        state_a = json.loads((tmp_path / "device-a.state" / "state.json").read_text())
        state_b = json.loads((tmp_path / "device-b.state" / "state.json").read_text())
        mount_a, mount_b = RcloneMount.attach(state_a["mount"]), RcloneMount.attach(state_b["mount"])
        assert is_mounted(first) and is_mounted(second)
        assert mount_a.cache_dir != mount_b.cache_dir and mount_a.rc_url != mount_b.rc_url
        assert mount_b.rc_pass != mount_a.rc_pass
        assert state_a["seconds"] == [str(tmp_path / "device-b.state")]

        (first / "inbox").mkdir()
        (first / "inbox" / "hello.md").write_bytes(b"written on device a\n")
        mount_a.flush()
        assert S3Server.attach(state_a["server"]).client("notes").get("inbox/hello.md") == b"written on device a\n"
        mount_b.refresh("inbox")
        assert (second / "inbox" / "hello.md").read_bytes() == b"written on device a\n"
        processes = [ManagedProcess.adopt(s["pid"], s["start_time"])
                     for s in (state_a["server"], state_a["mount"], state_b["mount"])]
    finally:
        down = _script("mount-down.sh", first, "--purge")  # stops (and purges) the second mount too
    assert down.returncode == 0, down.stderr
    assert not is_mounted(first) and not is_mounted(second)
    assert [p.pid for p in processes if p.alive()] == []
    assert not (tmp_path / "device-a.state").exists() and not (tmp_path / "device-b.state").exists()


def test_mount_up_second_of_an_unknown_mount_is_a_clear_error(tmp_path):
    result = _script("mount-up.sh", tmp_path / "device-b", "--second-of", tmp_path / "nothing")

    assert result.returncode == 1
    assert "no mount-up state in" in result.stderr
    assert not is_mounted(tmp_path / "device-b")
