"""Link diagnostics (unresolved links, duplicate permalinks) with the "Create note" code action,
the `notebridge.check` command and the `notebridge check` CLI."""

import json
import subprocess

import pytest

from harness.lsp import notebridge_binary
from test_language_vault import make_vault, path_of, span, vault, write_vault  # noqa: F401 (fixtures)

INDEX = "notes/Index.md"


def diagnostics_for(server, path, predicate=lambda diagnostics: True, after=()):
    """The diagnostics of the first publish for `path` matching `predicate`, not counting `after`."""
    uri = server.uri(path)
    skipped = {id(p) for p in after}
    return server.client.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: id(p) not in skipped and p["uri"] == uri and predicate(p["diagnostics"]))["diagnostics"]


def published(server):
    return server.client.notifications("textDocument/publishDiagnostics")


def with_code(code):
    return lambda diagnostics: any(d.get("code") == code for d in diagnostics)


def test_unresolved_link_is_a_warning_at_the_link(vault):
    text = vault.open(INDEX)
    [unresolved] = [d for d in diagnostics_for(vault, INDEX, with_code("unresolved-link")) if d["code"] == "unresolved-link"]
    assert unresolved["severity"] == 2
    assert unresolved["range"] == span(text, "[[Nowhere 🌀]]", vault.encoding)
    assert "Nowhere 🌀" in unresolved["message"]


def test_edits_update_link_diagnostics(vault):
    text = "# 新しい\n\n😀 [[Ada Lovelace]] [[未定 ✨]]\n"
    vault.open("notes/new.md", text)
    found = diagnostics_for(vault, "notes/new.md", with_code("unresolved-link"))
    assert [d["range"] for d in found if d["code"] == "unresolved-link"] == [span(text, "[[未定 ✨]]", vault.encoding)]
    before = published(vault)
    vault.client.notify("textDocument/didChange", {"textDocument": {"uri": vault.uri("notes/new.md"), "version": 2},
                                                   "contentChanges": [{"text": "# 新しい\n\n😀 [[Ada Lovelace]]\n"}]})
    diagnostics_for(vault, "notes/new.md", lambda ds: not with_code("unresolved-link")(ds), after=before)


def test_duplicate_permalink_is_reported_on_the_permalink_line(vault):
    text = vault.open("notes/Copy A.md")
    found = diagnostics_for(vault, "notes/Copy A.md", with_code("duplicate-permalink"))
    [duplicate] = [d for d in found if d["code"] == "duplicate-permalink"]
    assert duplicate["range"]["start"] == {"line": 2, "character": 0}
    assert duplicate["range"]["end"]["line"] == 2
    assert "notes/Copy B.md" in duplicate["message"]


def test_create_note_code_action_as_a_workspace_edit(vault):
    vault.open(INDEX)
    unresolved = [d for d in diagnostics_for(vault, INDEX, with_code("unresolved-link")) if d["code"] == "unresolved-link"]
    actions = vault.request("textDocument/codeAction", {
        "textDocument": {"uri": vault.uri(INDEX)}, "range": unresolved[0]["range"], "context": {"diagnostics": unresolved}})
    [create] = [a for a in actions if a["title"].startswith("Create note")]
    assert create["title"] == "Create note 'Nowhere 🌀' (notes/Nowhere 🌀.md)"
    uri = vault.uri("notes/Nowhere 🌀.md")
    created, content = create["edit"]["documentChanges"]
    assert created == {"kind": "create", "uri": uri, "options": {"overwrite": False, "ignoreIfExists": True}}
    assert content["textDocument"]["uri"] == uri
    assert content["edits"][0]["newText"].startswith("---\ntitle: Nowhere 🌀\ntype: note\n---\n")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_create_note_through_the_server_resolves_the_link(make_vault, encoding):
    server = make_vault(encoding, resource_operations=())
    server.open(INDEX)
    unresolved = [d for d in diagnostics_for(server, INDEX, with_code("unresolved-link")) if d["code"] == "unresolved-link"]
    [create] = server.request("textDocument/codeAction", {
        "textDocument": {"uri": server.uri(INDEX)}, "range": unresolved[0]["range"], "context": {"diagnostics": unresolved}})
    assert "edit" not in create
    command = create["command"]
    assert command["command"] == "notebridge.createNote"
    before = published(server)
    result = server.request("workspace/executeCommand", {"command": command["command"], "arguments": command["arguments"]})
    assert result["status"] == "saved"
    assert (server.root / "notes/Nowhere 🌀.md").read_text(encoding="utf-8").startswith("---\ntitle: Nowhere 🌀\n")
    diagnostics_for(server, INDEX, lambda ds: not with_code("unresolved-link")(ds), after=before)
    assert server.request("textDocument/definition", server.at(INDEX, "Nowhere"))["uri"] == server.uri("notes/Nowhere 🌀.md")


def test_check_command_lists_the_vaults_problems(vault):
    result = vault.request("workspace/executeCommand", {"command": "notebridge.check"})
    [link] = result["unresolvedLinks"]
    assert link["path"] == INDEX and link["target"] == "Nowhere 🌀" and link["uri"] == vault.uri(INDEX)
    assert link["range"] == span(vault.text(INDEX), "[[Nowhere 🌀]]", vault.encoding)
    assert result["duplicatePermalinks"] == [{"permalink": "shared/copy", "paths": ["notes/Copy A.md", "notes/Copy B.md"]}]
    assert result["problems"] == 2


def run_check(root, database, *extra):
    return subprocess.run([notebridge_binary(), "check", "--root", str(root), "--database", str(database), *extra],
                          capture_output=True, text=True, timeout=60)


def test_check_cli_exit_code_and_output(tmp_path):
    root = tmp_path / "vault"
    write_vault(root)
    database = tmp_path / "index.db"
    run = run_check(root, database, "--json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert [(l["path"], l["target"]) for l in report["unresolvedLinks"]] == [(INDEX, "Nowhere 🌀")]
    assert report["unresolvedLinks"][0]["range"] == span((root / INDEX).read_text(), "[[Nowhere 🌀]]", "utf-16")
    assert report["duplicatePermalinks"][0]["paths"] == ["notes/Copy A.md", "notes/Copy B.md"]

    text = run_check(root, database)
    assert text.returncode == 1
    assert "notes/Index.md:6:" in text.stdout and "[[Nowhere 🌀]]" in text.stdout and "shared/copy" in text.stdout

    (root / "notes/Nowhere 🌀.md").write_text("# Nowhere\n", encoding="utf-8")
    (root / "notes/Copy B.md").write_text("---\ntitle: Copy B\n---\n\nB.\n", encoding="utf-8")
    clean = run_check(root, database)
    assert clean.returncode == 0, clean.stdout
    assert "no problems" in clean.stdout
