"""Issue 15: an editor's own write, or a watched container's write, that replaces a version its
writer never saw keeps that version (its text from the index) as a conflict copy beside the note.

Real Helix 25.01 on rclone mount A and a bridge on mount B of one bucket, with the Hrana index:
B saves, and within a second Helix writes the same note through A (whose mount does not show B's
save yet). Both texts must end up in the bucket, and the history must hold B's version.
"""
from __future__ import annotations

import json
import os
import subprocess

from harness.editors import ENTER, ESC, HelixSession
from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.lsp import notebridge_binary
from harness.no_loss import index_row, start_bridge, stop, token
from harness.polling import wait_until
from test_editor_helix import SNIPPET, hx, start_helix  # noqa: F401

ORIGINAL = "---\ntitle: Race\n---\n\n# Race\n\nline 0: original\n"


def helix_on_mount(tmp_path, mount, hrana_server, note: str) -> HelixSession:
    """Helix with the project's snippet, its bridge serving `mount` as device helixA."""
    home = tmp_path / "home"
    config = home / ".config" / "helix"
    config.mkdir(parents=True)
    snippet = SNIPPET.read_text().replace('command = "notebridge"', f"command = {json.dumps(notebridge_binary())}")
    args = ["serve", "--root", str(mount.mountpoint), "--database", hrana_server.url, "--device", "helixA",
            "--poll-interval", "0.3", "--rclone-rc", mount.rc_url]
    snippet = snippet.replace('args = ["serve", "--root", "/home/you/notes"]', "args = " + json.dumps(args))
    (config / "languages.toml").write_text(snippet)
    env = {"TURSO_AUTH_TOKEN": hrana_server.token, "RCLONE_RC_USER": mount.rc_user, "RCLONE_RC_PASS": mount.rc_pass}
    return start_helix(tmp_path, (mount.mountpoint, hrana_server.url, home), note, env)


def history(mount, hrana_server, path: str) -> list[dict]:
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana_server.token)
    result = subprocess.run([notebridge_binary(), "history", path, "--root", str(mount.mountpoint),
                             "--database", hrana_server.url, "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return answer["versions"] if isinstance(answer, dict) else answer


def bucket_texts(s3) -> dict[str, str]:
    return {key: s3.get(key).decode(errors="replace") for key in s3.keys() if key.endswith(".md")}


def test_helix_write_within_a_second_of_another_devices_save_keeps_both_texts(hx, tmp_path, mount_factory,  # noqa: F811
                                                                              hrana_server, s3):  # noqa: F811
    mount_a, mount_b = mount_factory("device-a"), mount_factory("device-b")
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", hrana=hrana_server, mount=mount_b)
    try:
        created = b.request("notes/save", {"path": "race.md", "text": ORIGINAL})
        b.wait_notification("notes/didUpload", lambda p: p["path"] == "race.md", timeout=30)
        mount_a.refresh()
        wait_until(lambda: (mount_a.mountpoint / "race.md").exists(), timeout=20, what="mount A shows the note")
        with helix_on_mount(tmp_path, mount_a, hrana_server, "race.md") as session:
            session.send("GoHelix was here!" + ESC)
            session.wait_for_log('"text":"!"')  # the last key's change reached the bridge
            b_token = token()
            saved = b.request("notes/save", {"path": "race.md", "text": ORIGINAL + f"line b: {b_token}\n",
                                             "baseVersion": created["version"], "baseChecksum": created["checksum"]})
            assert saved["status"] == "saved"
            mark = len(session.screen)
            session.send(":write" + ENTER)  # mount A does not show B's save yet: Helix writes
            session.wait_for_screen("written", since=mark)
            log = session.wait_for_log('"code":"overwrote-newer"', timeout=20)
            notice = next(line for line in log.splitlines() if '"code":"overwrote-newer"' in line)
            assert "device-b" in notice and "race.conflict-" in notice
            assert session.quit() == 0
        mount_a.flush(timeout=60)
        mount_b.flush(timeout=60)

        def both_in_the_bucket():
            texts = bucket_texts(s3)
            return (any("Helix was here!" in text for text in texts.values())
                    and any(b_token in text for key, text in texts.items() if ".conflict-" in key or key == "race.md")
                    and texts)
        texts = wait_until(both_in_the_bucket, timeout=60, interval=1, what="both texts in the bucket")
        assert "Helix was here!" in texts["race.md"] or b_token in texts["race.md"]
        versions = history(mount_a, hrana_server, "race.md")
        assert any(v["device"] == "device-b" and v["checksum"] == saved["checksum"] for v in versions), versions
        assert any(v["device"] == "helixA" and v["origin"] == "editor" for v in versions), versions
        # Through the protocol too: B's overwritten text comes back from the history.
        listed = b.request("notes/history", {"path": "race.md"})["versions"]
        b_version = next(v["version"] for v in listed if v["checksum"] == saved["checksum"])
        kept = b.request("notes/open", {"path": "race.md", "version": b_version})
        assert kept["source"] == "history" and b_token in kept["text"]
    finally:
        stop(b)


def test_a_watched_containers_write_over_an_unseen_version_keeps_it(tmp_path, mount_factory, hrana_server, s3):  # noqa: F811
    editor_mount, container_mount = mount_factory("device-b"), mount_factory("container")
    b = start_bridge(editor_mount.mountpoint, hrana_server.url, "device-b", hrana=hrana_server, mount=editor_mount)
    env = dict(os.environ, TURSO_AUTH_TOKEN=hrana_server.token, RCLONE_RC_USER=container_mount.rc_user,
               RCLONE_RC_PASS=container_mount.rc_pass)
    watch = subprocess.Popen([notebridge_binary(), "watch", "--root", str(container_mount.mountpoint), "--database",
                              hrana_server.url, "--device", "container", "--scan-interval", "2",
                              "--rclone-rc", container_mount.rc_url],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        created = b.request("notes/save", {"path": "shared.md", "text": ORIGINAL})
        b.wait_notification("notes/didUpload", lambda p: p["path"] == "shared.md", timeout=30)
        container_mount.refresh()
        wait_until(lambda: (container_mount.mountpoint / "shared.md").exists()
                   and index_row(hrana_server.db_path, "shared.md") is not None,
                   timeout=30, what="the container's mount shows the note")
        wait_until(lambda: (container_mount.mountpoint / "shared.md").read_text() == ORIGINAL, timeout=20,
                   what="the container's mount shows the note's text")
        b_token = token()
        saved = b.request("notes/save", {"path": "shared.md", "text": ORIGINAL + f"line b: {b_token}\n",
                                         "baseVersion": created["version"], "baseChecksum": created["checksum"]})
        assert saved["status"] == "saved"
        # The container (Basic Memory) writes through its own mount, which does not show B's save yet.
        container_text = ORIGINAL + f"line c: written by the container {token()}\n"
        (container_mount.mountpoint / "shared.md").write_text(container_text)
        wait_until(lambda: any(b_token in (container_mount.mountpoint / name).read_text()
                               for name in os.listdir(container_mount.mountpoint) if ".conflict-" in name),
                   timeout=30, interval=0.5, what="B's overwritten text kept beside the note on the container's mount")
        versions = history(editor_mount, hrana_server, "shared.md")
        assert any(v["device"] == "device-b" and v["checksum"] == saved["checksum"] for v in versions), versions
        assert any(v["device"] == "container" and v["origin"] in ("watch", "scan") for v in versions), versions
    finally:
        watch.terminate()
        watch.wait(timeout=30)
        stop(b)
