"""pytest fixtures for tests on real storage: one S3 server per module, a fresh bucket per test, and
rclone mounts of that bucket as separate devices. Import the ones a module uses (or import them
all in conftest.py):

    from harness.fixtures import s3_server, bucket, s3, mount_options, mount_factory, mount_a, mount_b

A module changes the mount flags by defining its own `mount_options` fixture; one test can pass
overrides to `mount_factory(name, dir_cache_time="1h", ...)`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

import pytest

from .s3mount import RcloneMount, S3Client, S3Server


@dataclass(frozen=True)
class MountOptions:
    """Flags for the mounts the fixtures start."""

    rclone: str | None = None  # "pypi", "debian" or a path; None = $NOTEBRIDGE_RCLONE, else "pypi"
    write_back: str = "1s"  # --vfs-write-back; rclone's own default is 5s
    dir_cache_time: str = "2s"  # --dir-cache-time; rclone's own default is 5m
    extra_flags: tuple[str, ...] = ()


MountFactory = Callable[..., RcloneMount]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A SeaweedFS server shared by the tests of one module; stopped by PID afterwards."""
    server = S3Server.start(tmp_path_factory.mktemp("s3-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """The name of a new, empty bucket for this test."""
    # An outage test that failed half-way may have left the shared server paused or stopped.
    s3_server.resume()
    if not s3_server.running():
        s3_server.restart()
    name = f"test-{secrets.token_hex(6)}"
    s3_server.create_bucket(name)
    return name


@pytest.fixture
def s3(s3_server: S3Server, bucket: str) -> S3Client:
    """Direct S3 access to `bucket`, bypassing every mount."""
    return s3_server.client(bucket)


@pytest.fixture
def mount_options() -> MountOptions:
    """Default flags for `mount_factory`, `mount_a` and `mount_b`; override this fixture to change them."""
    return MountOptions()


@pytest.fixture
def mount_factory(
    s3_server: S3Server, bucket: str, mount_options: MountOptions, tmp_path: Path
) -> Iterator[MountFactory]:
    """`mount(name, **overrides)` mounts `bucket` at tmp_path/name (cache in tmp_path/name.cache).

    Overrides are MountOptions fields. Every mount is flushed, stopped and unmounted after the test.
    """
    mounts: list[RcloneMount] = []

    def mount(name: str, **overrides) -> RcloneMount:
        options = replace(mount_options, **overrides)
        started = RcloneMount.start(
            s3_server, bucket, tmp_path / name, tmp_path / f"{name}.cache", rclone=options.rclone,
            write_back=options.write_back, dir_cache_time=options.dir_cache_time, extra_flags=options.extra_flags,
        )
        mounts.append(started)
        return started

    try:
        yield mount
    finally:
        s3_server.resume()
        flush_timeout = 30.0 if s3_server.running() else 0.0
        errors = []
        for started in reversed(mounts):
            try:
                started.stop(flush_timeout=flush_timeout)
            except Exception as error:  # stop the others anyway, then report
                errors.append(error)
        if errors:
            raise errors[0]


@pytest.fixture
def mount_a(mount_factory: MountFactory) -> RcloneMount:
    """Device A: a mount of `bucket`."""
    return mount_factory("device-a")


@pytest.fixture
def mount_b(mount_factory: MountFactory) -> RcloneMount:
    """Device B: a second, independent mount of the same `bucket`."""
    return mount_factory("device-b")
