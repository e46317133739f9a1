"""`notebridge doctor`: one ok/warn/fail line per part of the setup, a fix for each problem, exit
code 1 on any failure, and never a token or password in what it prints."""
import json
import os
import socket
import subprocess

from harness.fixtures import bucket, mount_factory, mount_options, s3_server  # noqa: F401


def doctor(notebridge_bin, *args, env=None):
    result = subprocess.run([str(notebridge_bin), "doctor", *args], capture_output=True, text=True, timeout=60,
                            env=env or dict(os.environ))
    return result.returncode, result.stdout + result.stderr


def statuses(output):
    """{check name: status} from doctor's text lines ("ok   index: …")."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition(" ")
        found[rest.strip().split(":", 1)[0]] = status
    return found


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_notes(root):
    (root / "folder").mkdir(parents=True)
    (root / "folder" / "First.md").write_text("---\ntitle: First\n---\n# First\n\n- [fact] one #a\n")
    (root / "Second.md").write_text("# Second\n\nLinks to [[First]].\n")


def test_local_root_with_an_index_is_all_ok(notebridge_bin, tmp_path):
    root, index = tmp_path / "notes", tmp_path / "index.sqlite"
    make_notes(root)
    subprocess.run([str(notebridge_bin), "index", "--root", str(root), "--database", str(index)], check=True,
                   capture_output=True, timeout=60)
    code, output = doctor(notebridge_bin, "--root", str(root), "--database", str(index))
    assert code == 0, output
    found = statuses(output)
    for name in ("root", "filesystem", "index", "index.latency", "index.schema", "index.notes", "index.space"):
        assert found.get(name) == "ok", output
    assert "2 notes indexed" in output
    assert "rclone.rc" not in found  # a local disk needs no rclone

    code, output = doctor(notebridge_bin, "--root", str(root), "--database", str(index), "--json")
    report = json.loads(output)
    assert code == 0 and report["status"] == "ok"
    assert {check["name"] for check in report["checks"]} >= {"root", "index.schema", "index.notes"}


def test_missing_root_and_missing_index_say_how_to_fix_them(notebridge_bin, tmp_path):
    code, output = doctor(notebridge_bin, "--root", str(tmp_path / "nowhere"))
    assert code == 1 and statuses(output)["root"] == "fail" and "mkdir -p" in output

    (tmp_path / "notes").mkdir()
    code, output = doctor(notebridge_bin, "--root", str(tmp_path / "notes"), "--database", str(tmp_path / "none.sqlite"))
    assert code == 0, output  # no index yet is a warning: the server creates it
    assert statuses(output)["index"] == "warn" and "notebridge index --root" in output
    assert not (tmp_path / "none.sqlite").exists()  # doctor creates nothing


def test_unreachable_database_fails_naming_the_host_and_never_the_token(notebridge_bin, tmp_path):
    (tmp_path / "notes").mkdir()
    port = closed_port()
    secret = "tok-" + os.urandom(8).hex()
    env = dict(os.environ, TURSO_AUTH_TOKEN=secret + "-env")
    code, output = doctor(notebridge_bin, "--root", str(tmp_path / "notes"),
                          "--database", f"http://127.0.0.1:{port}/?authToken={secret}", env=env)
    assert code == 1, output
    assert statuses(output)["index"] == "fail"
    assert f"127.0.0.1:{port}" in output
    assert secret not in output


def test_remote_index_over_hrana_reports_latency_without_the_token(notebridge_bin, tmp_path, hrana_server):
    root = tmp_path / "notes"
    make_notes(root)
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana_server.token)
    subprocess.run([str(notebridge_bin), "index", "--root", str(root), "--database", hrana_server.url], check=True,
                   capture_output=True, timeout=60, env=env)
    code, output = doctor(notebridge_bin, "--root", str(root), "--database", hrana_server.url, env=env)
    assert code == 0, output
    assert statuses(output)["index.latency"] == "ok" and "2 notes indexed" in output
    assert hrana_server.token not in output


def test_rclone_mount_with_remote_control(notebridge_bin, tmp_path, mount_factory):  # noqa: F811
    mount = mount_factory("device-a")
    version = mount.rc("core/version")["version"]
    url_with_password = mount.rc_url.replace("http://", f"http://{mount.rc_user}:{mount.rc_pass}@")
    code, output = doctor(notebridge_bin, "--root", str(mount.mountpoint), "--database", str(tmp_path / "i.sqlite"),
                          "--rclone-rc", url_with_password)
    assert code == 0, output
    found = statuses(output)
    assert "fuse.rclone" in output and found["filesystem"] == "ok"
    assert found["rclone.rc"] == "ok" and version in output
    assert found["rclone.cacheMode"] == "ok" and "--vfs-cache-mode writes" in output
    assert found["rclone.uploads"] == "ok"
    assert found["rclone.stopping"] == "warn" and "vfs/stats" in output  # how to stop without losing writes
    assert mount.rc_pass not in output

    # The password from the environment works too, and a wrong one is a failure that names no secret.
    env = dict(os.environ, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS="wrong-" + mount.rc_pass)
    code, output = doctor(notebridge_bin, "--root", str(mount.mountpoint), "--rclone-rc", mount.rc_url, env=env)
    assert code == 1 and statuses(output)["rclone.rc"] == "fail", output
    assert mount.rc_pass not in output


def test_rclone_mount_without_remote_control_reads_the_mount_flags(notebridge_bin, tmp_path, mount_factory):  # noqa: F811
    mount = mount_factory("device-a", dir_cache_time="5m")
    code, output = doctor(notebridge_bin, "--root", str(mount.mountpoint), "--database", str(tmp_path / "i.sqlite"))
    assert code == 0, output
    found = statuses(output)
    assert found["rclone.rc"] == "warn" and "--rclone-rc" in output
    assert found["rclone.cacheMode"] == "ok"
    assert found["rclone.dirCacheTime"] == "warn"  # five minutes of staleness without remote control
    assert mount.rc_pass not in output


def test_cache_mode_off_is_a_failure(notebridge_bin, tmp_path, mount_factory):  # noqa: F811
    mount = mount_factory("device-a", extra_flags=("--vfs-cache-mode", "off"))
    code, output = doctor(notebridge_bin, "--root", str(mount.mountpoint), "--database", str(tmp_path / "i.sqlite"),
                          "--rclone-rc", mount.rc_url,
                          env=dict(os.environ, RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass))
    assert code == 1, output
    assert statuses(output)["rclone.cacheMode"] == "fail" and "--vfs-cache-mode writes" in output
