"""prepareRename and rename: one WorkspaceEdit that rewrites every link to the note (in the style
it was written), the title, and renames the file; applied here as a client would, then checked
with `notebridge check` (no link may break)."""

import json
import os
import subprocess

import pytest

from harness.lsp import ResponseError, notebridge_binary
from test_language_vault import apply_text_edits, make_vault, path_of, span, vault  # noqa: F401 (fixtures)

ADA = "people/Ada Lovelace.md"
BABBAGE = "people/Charles Babbage.md"
TOKYO = "日本/東京メモ.md"
INDEX = "notes/Index.md"


def apply_workspace_edit(edit, encoding):
    """Applies documentChanges in order: text edits to files, then renames."""
    for change in edit["documentChanges"]:
        if change.get("kind") == "rename":
            source, target = path_of(change["oldUri"]), path_of(change["newUri"])
            assert not target.exists()
            os.rename(source, target)
        else:
            file = path_of(change["textDocument"]["uri"])
            text = file.read_text(encoding="utf-8")
            file.write_text(apply_text_edits(text, change["edits"], encoding), encoding="utf-8")


def unresolved_after_check(root, database):
    run = subprocess.run([notebridge_binary(), "check", "--root", str(root), "--database", str(database), "--json"],
                         capture_output=True, text=True, timeout=60)
    return sorted(link["target"] for link in json.loads(run.stdout)["unresolvedLinks"])


def test_prepare_rename_on_a_link_and_on_the_title(vault):
    tokyo = vault.open(TOKYO)
    on_alias_link = vault.request("textDocument/prepareRename", vault.at(TOKYO, "Babbage|CB", 2))
    assert on_alias_link == {"range": span(tokyo, "Charles Babbage", vault.encoding), "placeholder": "Charles Babbage"}
    ada = vault.text(ADA)
    on_frontmatter = vault.request("textDocument/prepareRename", vault.at(ADA, "title: Ada", 3))
    assert on_frontmatter == {"range": span(ada, "Ada Lovelace", vault.encoding), "placeholder": "Ada Lovelace"}
    on_heading = vault.request("textDocument/prepareRename", vault.at(ADA, "# Ada", 4))
    assert on_heading == {"range": span(ada, "Ada Lovelace", vault.encoding, occurrence=1), "placeholder": "Ada Lovelace"}
    # A first heading that is not the title ("# 東京メモ 🗼" vs "東京メモ") is not a title place.
    with pytest.raises(ResponseError):
        vault.request("textDocument/prepareRename", vault.at(TOKYO, "メモ 🗼", 1, occurrence=0))


def test_prepare_rename_refuses_other_places(vault):
    with pytest.raises(ResponseError, match="link.*title"):
        vault.request("textDocument/prepareRename", vault.at(ADA, "First programmer"))
    with pytest.raises(ResponseError, match="names no note"):
        vault.request("textDocument/prepareRename", vault.at(INDEX, "Nowhere"))


def test_rename_rewrites_every_link_the_title_and_the_file(vault, tmp_path):
    tokyo = vault.open(TOKYO)
    edit = vault.request("textDocument/rename", {**vault.at(TOKYO, "[[Ada Lovelace]]", 3), "newName": "Ada King 👑"})
    changes = edit["documentChanges"]
    assert changes[-1] == {"kind": "rename", "oldUri": vault.uri(ADA), "newUri": vault.uri("people/Ada King 👑.md"),
                           "options": {"overwrite": False, "ignoreIfExists": False}}
    by_file = {path_of(c["textDocument"]["uri"]).relative_to(vault.root).as_posix(): c for c in changes[:-1]}
    assert set(by_file) == {ADA, BABBAGE, TOKYO, INDEX}
    assert by_file[TOKYO]["textDocument"]["version"] == 1  # open in the editor
    assert by_file[BABBAGE]["textDocument"]["version"] is None
    tokyo_edits = sorted(by_file[TOKYO]["edits"], key=lambda e: e["range"]["start"]["line"])
    assert tokyo_edits == [{"range": span(tokyo, "Ada Lovelace", vault.encoding, occurrence=n), "newText": "Ada King 👑"}
                           for n in (0, 1)]

    apply_workspace_edit(edit, vault.encoding)
    renamed = (vault.root / "people/Ada King 👑.md").read_text(encoding="utf-8")
    assert "title: Ada King 👑\n" in renamed and "\n# Ada King 👑\n" in renamed
    assert not (vault.root / ADA).exists()
    assert "- mentored [[Ada King 👑]]" in vault.text(BABBAGE)
    assert "😀 絵文字 [[Ada King 👑]] と [[Charles Babbage|CB]]" in vault.text(TOKYO)
    assert "- inspired_by [[Ada King 👑]]" in vault.text(TOKYO)
    # No frontmatter permalink: the permalink follows the path, and the permalink link follows it.
    assert "Start at [[people/ada-king]]" in vault.text(INDEX)
    assert unresolved_after_check(vault.root, tmp_path / "check.db") == ["Nowhere 🌀"]


def test_rename_from_the_title_keeps_an_explicit_permalink_and_edits_open_buffers(vault, tmp_path):
    # An unsaved buffer with a line added on top: its link moved down one line since indexing.
    babbage = "Draft line 😀\n" + vault.text(BABBAGE)
    vault.open(BABBAGE, babbage)
    edit = vault.request("textDocument/rename", {**vault.at(INDEX, "title: Index", 8), "newName": "目次"})
    changes = edit["documentChanges"]
    assert changes[-1]["newUri"] == vault.uri("notes/目次.md")
    [index_edit] = [c for c in changes if c.get("textDocument", {}).get("uri") == vault.uri(INDEX)]
    assert index_edit["edits"] == [{"range": span(vault.text(INDEX), "Index", vault.encoding), "newText": "目次"}]

    edit = vault.request("textDocument/rename", {**vault.at(ADA, "# Ada", 3), "newName": "Augusta"})
    [babbage_edit] = [c for c in edit["documentChanges"] if c.get("textDocument", {}).get("uri") == vault.uri(BABBAGE)]
    assert babbage_edit["textDocument"]["version"] == 1
    assert babbage_edit["edits"] == [{"range": span(babbage, "Ada Lovelace", vault.encoding), "newText": "Augusta"}]


def test_rename_includes_links_typed_into_unsaved_buffers(vault):
    draft = "# 下書き\n\n🎉 new link to [[ada lovelace]] here\n"
    vault.open("notes/draft.md", draft)  # not on disk, so not in the index
    edit = vault.request("textDocument/rename", {**vault.at(ADA, "title: Ada", 8), "newName": "Ada B"})
    [draft_edit] = [c for c in edit["documentChanges"] if c.get("textDocument", {}).get("uri") == vault.uri("notes/draft.md")]
    assert draft_edit["edits"] == [{"range": span(draft, "ada lovelace", vault.encoding), "newText": "Ada B"}]


def test_rename_refuses_bad_names_and_existing_files(vault):
    params = vault.at(TOKYO, "[[Ada Lovelace]]", 3)
    with pytest.raises(ResponseError, match="newName: must not contain '/'") as error:
        vault.request("textDocument/rename", {**params, "newName": "a/b"})
    assert error.value.code == -32602
    with pytest.raises(ResponseError, match="already exists"):
        vault.request("textDocument/rename", {**params, "newName": "Charles Babbage"})
    with pytest.raises(ResponseError, match="must not be empty"):
        vault.request("textDocument/rename", {**params, "newName": "  "})
    assert (vault.root / ADA).exists()


def test_rename_for_a_client_that_cannot_rename_files_moves_the_file_on_the_server(make_vault, tmp_path):
    server = make_vault("utf-16", resource_operations=(), document_changes=False)
    tokyo = server.open(TOKYO)
    edit = server.request("textDocument/rename", {**server.at(TOKYO, "[[Ada Lovelace]]", 3), "newName": "Ada: King"})
    renamed = "people/Ada- King.md"  # named as Basic Memory names a file for that title
    # The file moved on the server, with its title rewritten; closed notes' links are saved.
    assert not (server.root / ADA).exists()
    assert "title: \"Ada: King\"\n" in server.text(renamed) and "\n# Ada: King\n" in server.text(renamed)
    assert "- mentored [[Ada: King]]" in server.text(BABBAGE)
    assert "Start at [[people/ada-king]]" in server.text(INDEX)
    # The open buffer gets text edits only, and the client hears where the note went.
    assert set(edit) == {"changes"} and list(edit["changes"]) == [server.uri(TOKYO)]
    notice = server.client.wait_notification("notes/didRename")
    assert notice["oldUri"] == server.uri(ADA) and notice["newUri"] == server.uri(renamed)
    opened = server.request("notes/open", {"path": renamed})
    assert (notice["version"], notice["checksum"]) == (opened["version"], opened["checksum"])
    # Saving the moved note on the version told succeeds (no "baseVersion … exists").
    saved = server.request("notes/save", {"path": renamed, "text": server.text(renamed) + "more\n",
                                          "baseVersion": notice["version"], "baseChecksum": notice["checksum"]})
    assert saved["status"] == "saved"
    (server.root / TOKYO).write_text(apply_text_edits(tokyo, edit["changes"][server.uri(TOKYO)], "utf-16"), encoding="utf-8")
    assert unresolved_after_check(server.root, tmp_path / "check.db") == ["Nowhere 🌀"]


def test_server_side_rename_of_a_note_with_unsaved_edits_keeps_them_in_the_buffer(make_vault):
    server = make_vault("utf-16", resource_operations=(), document_changes=False)
    draft = server.text(ADA) + "unsaved line\n"
    server.open(ADA, draft)
    edit = server.request("textDocument/rename", {**server.at(ADA, "title: Ada", 8, text=draft), "newName": "Ada B"})
    renamed = "people/Ada B.md"
    notice = server.client.wait_notification("notes/didRename")
    assert "text" not in notice  # the buffer had unsaved edits: it keeps them, and gets the title edits
    assert "unsaved line" not in server.text(renamed)  # the file holds the saved text, retitled
    buffer = apply_text_edits(draft, edit["changes"][server.uri(renamed)], "utf-16")
    assert "title: Ada B\n" in buffer and buffer.endswith("unsaved line\n")
    saved = server.request("notes/save", {"uri": server.uri(renamed), "text": buffer,
                                          "baseVersion": notice["version"], "baseChecksum": notice["checksum"]})
    assert saved["status"] == "saved" and server.text(renamed) == buffer
