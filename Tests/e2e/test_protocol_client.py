"""protocol/client.py against the real server, on a temporary copy of examples/vault."""

import importlib.util
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CLIENT = REPO / "protocol" / "client.py"
EXAMPLE_VAULT = REPO / "examples" / "vault"
FINCA = "sourcing/Finca La Peña.md"


def load_client_module():
    spec = importlib.util.spec_from_file_location("notebridge_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Vault:
    """A copy of the example vault with its own index database (outside the vault)."""

    def __init__(self, tmp_path, binary):
        self.root = tmp_path / "vault"
        shutil.copytree(EXAMPLE_VAULT, self.root)
        self.database = tmp_path / "index.db"
        self.env = {**os.environ, "NOTEBRIDGE_BIN": str(binary)}

    def args(self, *command, device="laptop"):
        return [sys.executable, str(CLIENT), "--root", str(self.root), "--database", str(self.database),
                "--device", device, *command]

    def run(self, *command, stdin=None, device="laptop"):
        return subprocess.run(self.args(*command, device=device), input=stdin, capture_output=True, text=True,
                              env=self.env, timeout=120)

    def run_json(self, *command, stdin=None, device="laptop"):
        done = self.run(*command, stdin=stdin, device=device)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def read(self, path):
        return (self.root / path).read_text()

    def files(self):
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}


@pytest.fixture
def vault(tmp_path, notebridge_bin):
    return Vault(tmp_path, notebridge_bin)


def test_open_by_path_returns_the_file_and_its_version(vault):
    note = vault.run_json("open", FINCA)
    assert note["title"] == "Finca La Peña"
    assert note["permalink"] == "sourcing/finca-la-pena"
    assert note["text"] == vault.read(FINCA)
    assert note["version"] >= 1
    assert note["uri"] == (vault.root / FINCA).as_uri()


def test_open_by_permalink_finds_the_note(vault):
    note = vault.run_json("open", "--permalink", "roasting/house-espresso-profile")
    assert note["path"] == "roasting/House Espresso Profile.md"
    assert "Milk chocolate" in note["text"]


def test_search_ranks_matching_notes_and_honours_the_limit(vault):
    found = vault.run_json("search", "afterburner")
    assert [hit["path"] for hit in found["results"]] == ["meetings/2024-03-04 Roast Review.md"]
    limited = vault.run_json("search", "espresso", "--limit", "1")
    assert len(limited["results"]) == 1


def test_save_creates_a_note_then_needs_a_base_to_overwrite_it(vault):
    text = "---\ntitle: Decaf Options\n---\n\n# Decaf Options\n\n- [idea] Try a sugarcane-process decaf #sourcing\n"
    created = vault.run_json("save", "sourcing/Decaf Options.md", stdin=text)
    assert created["status"] == "saved"
    assert vault.read("sourcing/Decaf Options.md") == text

    refused = vault.run("save", "sourcing/Decaf Options.md", stdin="overwritten\n")
    assert refused.returncode == 1
    assert "baseVersion" in refused.stderr and "(-32602)" in refused.stderr
    assert vault.read("sourcing/Decaf Options.md") == text


@pytest.mark.parametrize("with_checksum", [True, False])
def test_save_based_on_the_current_version_is_saved(vault, with_checksum):
    note = vault.run_json("open", FINCA)
    edited = note["text"].replace("Rosalba", "Rosalba Cuéllar")
    checksum = ["--base-checksum", note["checksum"]] if with_checksum else []
    saved = vault.run_json("save", FINCA, "--base-version", str(note["version"]), *checksum, stdin=edited)
    assert saved["status"] == "saved"
    assert saved["version"] == note["version"] + 1
    assert vault.read(FINCA) == edited
    assert vault.run_json("open", FINCA)["version"] == saved["version"]


def test_save_based_on_a_stale_version_merges_with_its_text_from_the_index(vault):
    note = vault.run_json("open", FINCA)
    theirs = note["text"] + "\n- [note] Theirs, saved first #test\n"
    vault.run_json("save", FINCA, "--force", stdin=theirs, device="desk")
    ours = note["text"].replace("# Finca La Peña", "# Finca La Peña (ours)")

    # A new server process never served the base version: its text comes from the index.
    result = vault.run_json("save", FINCA, "--base-version", str(note["version"]), stdin=ours)
    assert result["status"] == "merged"
    merged = vault.read(FINCA)
    assert "# Finca La Peña (ours)" in merged and "Theirs, saved first" in merged


def test_save_based_on_a_stale_version_changing_the_same_lines_is_a_conflict_and_loses_nothing(vault):
    note = vault.run_json("open", FINCA)
    theirs = note["text"].replace("# Finca La Peña", "# Finca La Peña (theirs)")
    vault.run_json("save", FINCA, "--force", stdin=theirs, device="desk")
    ours = note["text"].replace("# Finca La Peña", "# Finca La Peña (ours)")

    done = vault.run("save", FINCA, "--base-version", str(note["version"]), stdin=ours)
    assert done.returncode == 3, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "conflict"
    assert vault.read(FINCA) == theirs
    assert vault.read(result["conflict"]["copyPath"]) == ours


def test_stale_save_in_one_session_merges_with_the_other_change(vault):
    client_module = load_client_module()
    with client_module.Client(vault.root, database=vault.database, device="laptop", server=vault.env["NOTEBRIDGE_BIN"]) as client:
        note = client.request("notes/open", {"path": FINCA})
        theirs = note["text"] + "\n- [note] Added on the desk #test\n"
        vault.run_json("save", FINCA, "--force", stdin=theirs, device="desk")
        ours = note["text"].replace("Pitalito", "Pitalito (Huila)")
        result = client.request("notes/save", {"path": FINCA, "text": ours, "baseVersion": note["version"]})
    assert result["status"] == "merged"
    merged = vault.read(FINCA)
    assert "Pitalito (Huila)" in merged and "Added on the desk" in merged
    assert result["text"] == merged


def test_delete_removes_the_note(vault):
    result = vault.run_json("delete", "people/Priya Raman.md")
    assert result == {"status": "deleted"}
    assert not (vault.root / "people/Priya Raman.md").exists()
    again = vault.run("open", "people/Priya Raman.md")
    assert again.returncode == 1 and "does not exist" in again.stderr


def test_history_open_version_and_restore(vault):
    before = vault.run_json("open", FINCA)
    edited = before["text"].replace("Pitalito", "Pitalito (Huila)")
    saved = vault.run_json("save", FINCA, "--base-version", str(before["version"]), stdin=edited)
    history = vault.run_json("history", FINCA, "--limit", "2")
    assert [v["version"] for v in history["versions"]] == [saved["version"], before["version"]]
    old = vault.run_json("open", FINCA, "--version", str(before["version"]))
    assert (old["text"], old["source"], old["currentVersion"]) == (before["text"], "history", saved["version"])
    restored = vault.run_json("restore", FINCA, "--version", str(before["version"]))
    assert restored["status"] == "saved" and vault.read(FINCA) == before["text"]
    missing = vault.run("open", FINCA, "--version", "99")
    assert missing.returncode == 1 and "no version 99" in missing.stderr


def test_request_sends_any_method(vault):
    symbols = vault.run_json("request", "workspace/symbol", '{"query": "cupping"}')
    assert "Cupping Protocol" in [symbol["name"] for symbol in symbols]


@pytest.mark.parametrize("command, message", [
    (["open", "../outside.md"], "(-32602)"),
    (["save", "/etc/notebridge-test.md", "--force"], "(-32602)"),
    (["delete", "../vault/people/Dan Whitfield.md"], "(-32602)"),
    (["request", "notes/rename", "{}"], "method not found: notes/rename (-32601)"),
    (["request", "notes/search", '{"query": 7}'], "query"),
    (["open", "people/Nobody.md"], "does not exist"),
])
def test_bad_input_fails_clearly_and_changes_nothing(vault, command, message):
    before = vault.files()
    done = vault.run(*command, stdin="text\n")
    assert done.returncode == 1
    assert done.stderr.startswith("notebridge: ") and message in done.stderr
    assert done.stdout == ""
    assert vault.files() == before
    assert not pathlib.Path("/etc/notebridge-test.md").exists()


def test_server_command_with_its_own_options(vault):
    command = [sys.executable, str(CLIENT), "--server", vault.env["NOTEBRIDGE_BIN"], "serve", "--root", str(vault.root),
               "--database", str(vault.database), "--", "search", "afterburner"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["title"] == "2024-03-04 Roast Review"


def test_params_that_are_not_json_are_a_usage_error(vault):
    done = vault.run("request", "notes/search", "{query")
    assert done.returncode == 2 and "not JSON" in done.stderr


def test_a_server_that_cannot_start_is_reported(vault):
    done = subprocess.run([sys.executable, str(CLIENT), "--server", str(vault.root / "no-such-binary"),
                           "--root", str(vault.root), "open", FINCA], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1 and "cannot start" in done.stderr


def test_a_missing_root_is_reported_with_how_to_set_one(vault, tmp_path):
    command = [sys.executable, str(CLIENT), "--database", str(tmp_path / "other.db"), "search", "roast"]
    done = subprocess.run(command, capture_output=True, text=True, env=vault.env, timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert "no notes folder" in done.stderr and "--root" in done.stderr


def start_watch(vault, *options):
    watcher = subprocess.Popen(vault.args("watch", *options, device="desk"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=vault.env)
    ready = watcher.stderr.readline()           # printed once the server has indexed and is watching
    assert "watching" in ready, ready + watcher.stderr.read()
    return watcher


def test_watch_prints_a_change_saved_by_another_client(vault):
    watcher = start_watch(vault, "--count", "1", "--timeout", "60")
    try:
        saved = vault.run_json("save", "people/Dan Whitfield.md", "--force", stdin="# Dan Whitfield\n\nMoved to Huila.\n")
        out, err = watcher.communicate(timeout=90)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    change = json.loads(lines[0])["changes"][0]
    assert change["path"] == "people/Dan Whitfield.md"
    assert change["kind"] == "changed"
    assert change["checksum"] == saved["checksum"]
    assert change["origin"] == "laptop"


def child_pids(pid):
    path = pathlib.Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_watch_stops_on_sigint_and_shuts_the_server_down(vault):
    watcher = start_watch(vault)
    try:
        servers = child_pids(watcher.pid)
        assert len(servers) == 1
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0
    finally:
        watcher.kill()
    deadline = time.monotonic() + 10
    while pathlib.Path(f"/proc/{servers[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # polling with a deadline: the server process is reaped by the client
    assert not pathlib.Path(f"/proc/{servers[0]}").exists()
