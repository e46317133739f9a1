"""Issue 15's history and restore against the built binary on a local disk: notes/history,
notes/open {version}, restoring (notes/save of an old text, notebridge.restore, the CLI), a note
deleted elsewhere brought back, the history code actions, and bad params."""
import json
import os
import subprocess

import pytest

from harness.lsp import LspClient, ResponseError, notebridge_binary
from harness.vault import bridges, note_text, vault  # noqa: F401


def error_of(client, method, params):
    with pytest.raises(ResponseError) as caught:
        client.request(method, params)
    return caught.value


def cli(vault, *args, check=True):
    return subprocess.run([notebridge_binary(), *args, "--root", str(vault.root), "--database", str(vault.database),
                           "--device", "dev-cli"], capture_output=True, text=True, timeout=60, check=check)


def saved_versions(client, path, texts):
    """Saves each text in turn from the note's current version; returns the versions saved."""
    versions = []
    for text in texts:
        newest = client.request("notes/history", {"path": path, "limit": 1})["versions"]
        base = newest[0]["version"] if newest and not newest[0]["deleted"] else 0
        saved = client.request("notes/save", {"path": path, "text": text, "baseVersion": base})
        assert saved["status"] == "saved"
        versions.append(saved["version"])
    return versions


def test_history_lists_every_save_and_merge_newest_first(vault, bridges):
    first = note_text("Tides", "line one\nline two\nline three\n")
    client = bridges.start(device="dev-a")
    v1, = saved_versions(client, "tides.md", [first])
    v2, = saved_versions(client, "tides.md", [first.replace("line one", "line ONE")])
    # A save from v1 that lost its swap to v2 and merged cleanly: recorded with origin merge.
    merged = client.request("notes/save", {"path": "tides.md", "text": first.replace("line three", "line THREE"),
                                           "baseVersion": v1})
    assert merged["status"] == "merged"

    history = client.request("notes/history", {"path": "tides.md"})
    assert history["path"] == "tides.md" and history["uri"] == vault.uri("tides.md")
    versions = history["versions"]
    assert [v["version"] for v in versions] == [merged["version"], v2, v1]
    assert [v["origin"] for v in versions] == ["merge", "save", "save"]
    assert all(v["device"] == "dev-a" and v["hasText"] and not v["deleted"] for v in versions)
    assert versions[0]["checksum"] == merged["checksum"]
    assert versions[-1]["size"] == len(first.encode())
    assert versions[0]["at"].endswith("Z") and versions[0]["at"] >= versions[-1]["at"]

    limited = client.request("notes/history", {"uri": vault.uri("tides.md"), "limit": 1})
    assert [v["version"] for v in limited["versions"]] == [merged["version"]]


def test_open_version_returns_the_exact_old_text_from_the_index(vault, bridges):
    old = note_text("Café ☕", "naïve résumé — 日本語 🐙\r\nno newline at the end")
    client = bridges.start()
    v1, v2 = saved_versions(client, "cafe.md", [old, note_text("Café ☕", "rewritten\n")])

    opened = client.request("notes/open", {"path": "cafe.md", "version": v1})
    assert opened["text"] == old
    assert opened["source"] == "history"
    assert (opened["version"], opened["currentVersion"], opened["origin"]) == (v1, v2, "save")
    assert opened["size"] == len(old.encode()) and opened["title"] == "Café ☕"
    assert vault.read("cafe.md") != old  # not what the file holds
    by_permalink = client.request("notes/open", {"permalink": "cafe", "version": v1})
    assert by_permalink["text"] == old and by_permalink["path"] == "cafe.md"


def test_a_deleted_note_comes_back_through_notes_save(vault, bridges):
    text = note_text("Gone", "deleted on another device\n")
    other = bridges.start(device="dev-b")
    v1, = saved_versions(other, "gone.md", [text])
    assert other.request("notes/delete", {"path": "gone.md", "baseVersion": v1})["status"] == "deleted"
    assert "gone.md" not in vault.files()

    client = bridges.start(device="dev-a")
    versions = client.request("notes/history", {"path": "gone.md"})["versions"]
    assert [(v["version"], v["deleted"], v["device"]) for v in versions] == [(v1 + 1, True, "dev-b"), (v1, False, "dev-b")]
    old = client.request("notes/open", {"path": "gone.md", "version": v1})
    assert old["text"] == text and old["currentVersion"] is None

    restored = client.request("notes/save", {"path": "gone.md", "text": old["text"], "baseVersion": 0})
    assert restored["status"] == "saved" and restored["version"] == v1 + 2
    assert vault.read("gone.md") == text
    assert client.request("notes/open", {"path": "gone.md"})["text"] == text


def test_cli_lists_deleted_notes_and_restores_one(vault, bridges):
    text = note_text("Lost", "brought back from the command line\n")
    client = bridges.start()
    v1, = saved_versions(client, "lost.md", [text])
    client.request("notes/delete", {"path": "lost.md", "baseVersion": v1})
    client.shutdown()

    listed = cli(vault, "history", "--deleted").stdout
    assert "lost.md" in listed and f"--version {v1}" in listed
    assert "deleted" in cli(vault, "history", "lost.md").stdout.splitlines()[0]
    refused = cli(vault, "restore", "lost.md", "--version", str(v1 + 1), check=False)
    assert refused.returncode != 0 and "deletion" in refused.stderr and "lost.md" not in vault.files()

    out = cli(vault, "restore", "lost.md", "--version", str(v1)).stdout
    assert f"as version {v1 + 2}" in out
    assert vault.read("lost.md") == text
    assert cli(vault, "show", "lost.md", "--version", str(v1 + 2)).stdout == text
    newest = json.loads(cli(vault, "history", "lost.md", "--json").stdout)["versions"][0]
    assert (newest["version"], newest["origin"]) == (v1 + 2, "restore")


def test_cli_restore_over_a_version_it_did_not_see_merges_or_keeps_a_conflict_copy(vault, bridges):
    base = note_text("Plan", "alpha\nbeta\nkeep\nthese\napart\ngamma\n")
    client = bridges.start()
    v1, v2 = saved_versions(client, "plan.md", [base, base.replace("beta", "beta two")])
    v3, = saved_versions(bridges.start(device="dev-b"), "plan.md", [base.replace("beta", "beta two").replace("gamma", "gamma B")])
    client.shutdown()
    # The restorer saw v2 and brings back v1; v3 was saved meanwhile on other lines: both survive.
    merged = cli(vault, "restore", "plan.md", "--version", str(v1), "--base-version", str(v2)).stdout
    assert "merged with a newer save" in merged
    assert vault.read("plan.md") == base.replace("gamma", "gamma B")
    newest = json.loads(cli(vault, "history", "plan.md", "--json").stdout)["versions"][0]
    assert (newest["version"], newest["origin"]) == (v3 + 1, "merge")
    # Over the same lines: the note keeps v3's text, the restored text goes to a conflict copy.
    v5, = saved_versions(bridges.start(device="dev-b"), "plan.md", [base.replace("gamma", "gamma C")])
    refused = cli(vault, "restore", "plan.md", "--version", str(v2), "--base-version", str(v3), check=False)
    assert refused.returncode != 0 and "changed meanwhile" in refused.stderr
    assert vault.read("plan.md") == base.replace("gamma", "gamma C")
    assert [p.read_text() for p in vault.conflict_copies("plan.md")] == [base.replace("beta", "beta two")]
    assert json.loads(cli(vault, "history", "plan.md", "--json").stdout)["versions"][0]["version"] == v5


def test_restoring_an_old_version_is_a_compare_and_swap(vault, bridges):
    base = note_text("Plan", "alpha\nbeta\ngamma\n")
    client = bridges.start(device="dev-a")
    v1, v2 = saved_versions(client, "plan.md", [base, base.replace("gamma", "gamma two")])
    # Someone saves v3 meanwhile; restoring v1 over v2 must not erase it silently.
    concurrent = base.replace("gamma", "gamma two").replace("alpha", "alpha from B")
    v3, = saved_versions(bridges.start(device="dev-b"), "plan.md", [concurrent])
    old = client.request("notes/open", {"path": "plan.md", "version": v1})["text"]
    restored = client.request("notes/save", {"path": "plan.md", "text": old, "baseVersion": v2})
    assert restored["status"] in ("merged", "conflict")
    assert "alpha from B" in vault.read("plan.md")
    if restored["status"] == "conflict":
        assert [p.read_text() for p in vault.conflict_copies("plan.md")] == [old]

    # notebridge.restore with a stale base version: the same compare-and-swap, origin restore.
    again = client.request("workspace/executeCommand", {"command": "notebridge.restore",
                                                        "arguments": [{"path": "plan.md", "version": v1, "baseVersion": v2}]})
    assert again["status"] in ("merged", "conflict", "unchanged")
    assert "alpha from B" in vault.read("plan.md")
    # Against the current version it simply wins.
    current = client.request("notes/open", {"path": "plan.md"})["version"]
    assert current >= v3
    won = client.request("workspace/executeCommand", {"command": "notebridge.restore",
                                                      "arguments": [{"path": "plan.md", "version": v1}]})
    assert won["status"] == "saved" and vault.read("plan.md") == base
    newest = client.request("notes/history", {"path": "plan.md", "limit": 1})["versions"][0]
    assert (newest["version"], newest["origin"]) == (won["version"], "restore")


def test_history_code_action_puts_an_old_version_into_the_buffer(vault, bridges):
    old = note_text("Buffer", "the old words\n")
    client = bridges.start()
    v1, v2 = saved_versions(client, "buffer.md", [old, note_text("Buffer", "the new words\n")])
    uri = vault.uri("buffer.md")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                            "text": vault.read("buffer.md")}})
    context = {"diagnostics": [], "triggerKind": 1}
    actions = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": context,
                                                         "range": {"start": {"line": 0, "character": 0},
                                                                   "end": {"line": 0, "character": 0}}})
    history = [a for a in actions if a["title"].startswith("History: show version")]
    assert [a["command"]["arguments"] for a in history] == [[uri, v1]]  # the buffer's own version is left out
    automatic = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": {**context, "triggerKind": 2},
                                                           "range": {"start": {"line": 0, "character": 0},
                                                                     "end": {"line": 0, "character": 0}}})
    assert not [a for a in automatic if a["title"].startswith("History")]

    answer = client.request("workspace/executeCommand", history[0]["command"])
    assert answer == {"applied": True}
    edit = [r for r in client.server_requests if r["method"] == "workspace/applyEdit"][-1]["params"]["edit"]
    assert edit["changes"][uri][0]["newText"] == old
    assert vault.read("buffer.md") != old  # only the buffer changes; saving it restores


@pytest.mark.parametrize("method, params, field", [
    ("notes/history", {}, "expected one of uri, path"),
    ("notes/history", {"path": "a.md", "limit": 0}, "limit"),
    ("notes/history", {"path": "../escape.md"}, "path"),
    ("notes/open", {"path": "a.md", "version": "two"}, "version"),
    ("notes/open", {"path": "a.md", "version": 0}, "version"),
    ("notes/open", {"path": "a.md", "version": 99}, "version: the index keeps no version 99"),
    ("notes/open", {"path": "a.md", "version": 2}, "version: version 2 of a.md is its deletion"),
    ("workspace/executeCommand", {"command": "notebridge.restore", "arguments": [{"path": "a.md"}]}, "arguments[0].version"),
    ("workspace/executeCommand", {"command": "notebridge.restore", "arguments": []}, "arguments[0]"),
    ("workspace/executeCommand", {"command": "notebridge.showVersion", "arguments": ["x"]}, "arguments"),
])
def test_bad_params_are_refused_naming_the_field(vault, bridges, method, params, field):
    client = bridges.start()
    v1, = saved_versions(client, "a.md", [note_text("A", "kept\n")])
    client.request("notes/delete", {"path": "a.md", "baseVersion": v1})
    error = error_of(client, method, params)
    assert error.code == -32602 and field in error.message
    assert "a.md" not in vault.files()
    assert len(client.request("notes/history", {"path": "a.md"})["versions"]) == 2


def test_over_turso_a_save_is_one_round_trip_and_its_text_is_in_the_history(vault, hrana_server):
    vault.write("notes/one.md", note_text("One", "alpha\n"))
    # A long poll interval keeps the feed poller out of the count.
    client = LspClient(["serve", "--root", str(vault.root), "--database", hrana_server.url, "--device", "laptop",
                        "--poll-interval", "3600"], env=dict(os.environ, TURSO_AUTH_TOKEN=hrana_server.token))
    try:
        client.initialize()
        client.wait_indexed()
        opened = client.request("notes/open", {"path": "notes/one.md"})
        edited = opened["text"] + "béta ✓\n"
        hrana_server.control("reset-stats", {})
        saved = client.request("notes/save", {"path": "notes/one.md", "text": edited, "baseVersion": opened["version"]})
        assert saved["status"] == "saved"
        assert hrana_server.stats()["paths"].get("POST /v2/pipeline", 0) == 1

        versions = client.request("notes/history", {"path": "notes/one.md"})["versions"]
        assert [(v["version"], v["origin"], v["hasText"]) for v in versions][0] == (saved["version"], "save", True)
        assert versions[-1]["version"] == opened["version"]
        assert client.request("notes/open", {"path": "notes/one.md", "version": saved["version"]})["text"] == edited
        assert client.request("notes/open", {"path": "notes/one.md", "version": opened["version"]})["text"] == opened["text"]
        restored = client.request("workspace/executeCommand", {"command": "notebridge.restore",
                                                               "arguments": [{"path": "notes/one.md", "version": opened["version"]}]})
        assert restored["status"] == "saved" and vault.read("notes/one.md") == opened["text"]
    finally:
        client.shutdown()
        client.close()


@pytest.mark.parametrize("command", ["serve", "watch"])
@pytest.mark.parametrize("flag, value", [("--history-days", "0"), ("--history-keep", "0"), ("--history-keep", "many")])
def test_bad_retention_flags_are_refused_naming_the_flag(vault, command, flag, value):
    done = subprocess.run([notebridge_binary(), command, "--root", str(vault.root), "--database", str(vault.database),
                           flag, value], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode != 0 and flag in done.stderr
    assert not vault.database.exists()
