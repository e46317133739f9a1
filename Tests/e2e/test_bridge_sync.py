"""Text sync, saves racing between two bridges on one index, change notifications and the
conflict diagnostics and code actions, against the built binary on a local disk."""
import pytest

from harness.polling import wait_until
from harness.vault import bridges, vault  # noqa: F401

UTF8 = {"general": {"positionEncodings": ["utf-8", "utf-16"]}}


class Buffer:
    """An editor buffer: applies edits given in code points and produces the LSP change event
    with positions in the negotiated encoding."""

    def __init__(self, text, encoding="utf-16"):
        self.text = text
        self.encoding = encoding

    def _offset(self, line, column):
        lines = self.text.split("\n")
        return sum(len(l) + 1 for l in lines[:line]) + column

    def _position(self, line, column):
        text = self.text.split("\n")[line]
        assert column <= len(text), "an edit past the end of its line"
        prefix = text[:column]
        units = len(prefix.encode("utf-16-le")) // 2 if self.encoding == "utf-16" else len(prefix.encode("utf-8"))
        return {"line": line, "character": units}

    def edit(self, start, end, new_text):
        change = {"range": {"start": self._position(*start), "end": self._position(*end)}, "text": new_text}
        self.text = self.text[:self._offset(*start)] + new_text + self.text[self._offset(*end):]
        return change


def open_document(client, vault, relative, text=None, version=1):
    """didOpen with the file's text (or `text`); returns once the bridge has read its base
    (the first publishDiagnostics for the document)."""
    uri = vault.uri(relative)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": version, "text": text if text is not None else vault.read(relative)}})
    client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    return uri


def change_document(client, uri, version, changes):
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})


def diagnostic_codes(params):
    return {d.get("code") for d in params["diagnostics"]}


def wait_diagnostic(client, uri, code, timeout=15):
    params = client.wait_notification(
        "textDocument/publishDiagnostics", lambda p: p["uri"] == uri and code in diagnostic_codes(p), timeout)
    return next(d for d in params["diagnostics"] if d.get("code") == code)


def wait_change(client, path, checksum=None, kind=None, timeout=15):
    def matches(params):
        return any(c["path"] == path and (checksum is None or c["checksum"] == checksum)
                   and (kind is None or c["kind"] == kind) for c in params["changes"])
    params = client.wait_notification("notes/didChange", matches, timeout)
    return next(c for c in params["changes"] if c["path"] == path)


INTERNATIONAL = "---\ntitle: Welt\n---\n\n# Grüße 🌍\n\n東京 meets 🦀 crab\nlast line 😀 end\n"


@pytest.mark.parametrize("capabilities, encoding", [(None, "utf-16"), (UTF8, "utf-8")])
def test_incremental_changes_in_the_negotiated_encoding_then_save_writes_the_buffer(vault, bridges, capabilities, encoding):
    vault.write("intl.md", INTERNATIONAL)
    client = bridges.start(capabilities=capabilities)
    uri = open_document(client, vault, "intl.md")
    buffer = Buffer(INTERNATIONAL, encoding)
    # After an astral emoji and CJK, where UTF-16, UTF-8 and code points all disagree.
    change_document(client, uri, 2, [buffer.edit((6, 11), (6, 11), "🦞 lobster and ")])
    change_document(client, uri, 3, [buffer.edit((6, 0), (6, 2), "大阪")])
    change_document(client, uri, 4, [
        buffer.edit((7, 11), (7, 15), "fin"),               # replaces " end" after 😀
        buffer.edit((4, 2), (4, 7), "Hallo"),               # "Grüße" (with ü) → "Hallo"
        buffer.edit((7, 14), (7, 14), "\nnew line ✓ ok"),  # appended after the previous edit
    ])
    saved = client.request("workspace/executeCommand", {"command": "notebridge.save", "arguments": [uri]})
    assert saved["status"] == "saved"
    assert vault.read("intl.md") == buffer.text
    assert buffer.text == ("---\ntitle: Welt\n---\n\n# Hallo 🌍\n\n大阪 meets 🦀 🦞 lobster and crab\n"
                           "last line 😀fin\nnew line ✓ ok\n")


def test_full_text_change_then_notes_save_without_base_saves_the_open_document(vault, bridges):
    vault.write("full.md", "old text\n")
    client = bridges.start()
    uri = open_document(client, vault, "full.md")
    change_document(client, uri, 2, [{"text": "whole new text ✨\n"}])
    saved = client.request("notes/save", {"uri": uri, "text": "whole new text ✨\n"})
    assert saved["status"] == "saved"
    assert vault.read("full.md") == "whole new text ✨\n"
    # The document's base moved with the save: saving the next edit needs no base either.
    change_document(client, uri, 3, [{"text": "third text\n"}])
    again = client.request("workspace/executeCommand", {"command": "notebridge.save", "arguments": [uri]})
    assert again["status"] == "saved" and again["version"] == saved["version"] + 1
    assert vault.read("full.md") == "third text\n"


def save_both_at_once(first, second, path, first_text, second_text, base_version):
    """Sends both saves before waiting for either; returns both results."""
    boxes = [client.request_async("notes/save", {"path": path, "text": text, "baseVersion": base_version})[1]
             for client, text in ((first, first_text), (second, second_text))]
    return [first.wait_response(boxes[0]), second.wait_response(boxes[1])]


BASE = "---\ntitle: Shared\n---\n\nalpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\n"


@pytest.fixture
def two_bridges(vault, bridges):
    vault.write("shared.md", BASE)
    return bridges.start(device="laptop"), bridges.start(device="desktop")


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_saves_of_disjoint_lines_one_saved_one_merged(vault, two_bridges, attempt):
    a, b = two_bridges
    version = a.request("notes/open", {"path": "shared.md"})["version"]
    assert b.request("notes/open", {"path": "shared.md"})["version"] == version
    text_a = BASE.replace("alpha", "ALPHA from laptop")
    text_b = BASE.replace("foxtrot", "FOXTROT from desktop")
    results = save_both_at_once(a, b, "shared.md", text_a, text_b, version)
    assert sorted(r["status"] for r in results) == ["merged", "saved"]
    both = BASE.replace("alpha", "ALPHA from laptop").replace("foxtrot", "FOXTROT from desktop")
    merged = next(r for r in results if r["status"] == "merged")
    assert merged["text"] == both == vault.read("shared.md")
    assert merged["version"] == version + 2
    assert vault.conflict_copies("shared.md") == []


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_saves_of_the_same_line_one_saved_one_conflict_copy(vault, two_bridges, attempt):
    a, b = two_bridges
    version = a.request("notes/open", {"path": "shared.md"})["version"]
    b.request("notes/open", {"path": "shared.md"})
    text_a = BASE.replace("charlie", "charlie as the laptop has it")
    text_b = BASE.replace("charlie", "charlie as the desktop has it")
    results = save_both_at_once(a, b, "shared.md", text_a, text_b, version)
    assert sorted(r["status"] for r in results) == ["conflict", "saved"]
    winner_text, loser = (text_a, results[1]) if results[0]["status"] == "saved" else (text_b, results[0])
    loser_text = text_b if winner_text == text_a else text_a
    assert vault.read("shared.md") == winner_text          # the note holds the winner's text
    assert loser["text"] == winner_text
    copy = vault.root / loser["conflict"]["copyPath"]
    assert vault.conflict_copies("shared.md") == [copy]
    assert copy.read_text() == loser_text                   # and the loser's is kept beside it
    hunk, = loser["conflict"]["hunks"]
    assert "charlie as the" in hunk["ours"] and "charlie as the" in hunk["theirs"]


def test_a_save_by_one_bridge_reaches_the_other_as_notes_did_change(vault, two_bridges):
    a, b = two_bridges
    opened = a.request("notes/open", {"path": "shared.md"})
    saved = a.request("notes/save", {"path": "shared.md", "text": BASE + "golf\n", "baseVersion": opened["version"]})
    change = wait_change(b, "shared.md", checksum=saved["checksum"])
    assert change["kind"] == "changed"
    assert change["origin"] == "laptop"
    assert change["uri"] == vault.uri("shared.md")
    assert change["at"]
    created = a.request("notes/save", {"path": "new/from-laptop.md", "text": "hello\n"})
    assert wait_change(b, "new/from-laptop.md", checksum=created["checksum"])["kind"] == "created"
    a.request("notes/delete", {"path": "new/from-laptop.md"})
    assert wait_change(b, "new/from-laptop.md", kind="deleted")["checksum"] is None
    # A bridge does not hear its own saves back: once the laptop hears a later save by the desktop,
    # its feed has passed its own three changes without announcing them.
    later = b.request("notes/save", {"path": "from-desktop.md", "text": "hi\n"})
    wait_change(a, "from-desktop.md", checksum=later["checksum"])
    assert not [c for n in a.notifications("notes/didChange") for c in n["changes"] if c["origin"] == "laptop"]


def test_an_external_write_is_announced_and_flagged_on_a_clean_open_document(vault, bridges):
    vault.write("ext.md", "before\n")
    client = bridges.start()
    uri = open_document(client, vault, "ext.md")
    vault.write("ext.md", "written by another program\n")
    wait_change(client, "ext.md", kind="changed")
    diagnostic = wait_diagnostic(client, uri, "changed-elsewhere")
    assert diagnostic["range"]["start"]["line"] == 0
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    reload, = actions
    assert reload["edit"]["changes"][uri][0]["newText"] == "written by another program\n"


def test_an_external_write_on_a_dirty_open_document_warns_of_a_conflict(vault, bridges):
    vault.write("dirty.md", "line\n")
    client = bridges.start()
    uri = open_document(client, vault, "dirty.md")
    change_document(client, uri, 2, [{"text": "line\nmy unsaved edit\n"}])
    vault.write("dirty.md", "line\ntheir edit\n")
    wait_change(client, "dirty.md", kind="changed")
    diagnostic = wait_diagnostic(client, uri, "changed-elsewhere-dirty")
    assert diagnostic["severity"] == 2


def test_an_external_delete_is_announced(vault, bridges):
    vault.write("gone.md", "soon gone\n")
    client = bridges.start()
    uri = open_document(client, vault, "gone.md")
    (vault.root / "gone.md").unlink()
    assert wait_change(client, "gone.md", kind="deleted")["checksum"] is None
    wait_diagnostic(client, uri, "deleted-elsewhere")


def make_conflict(vault, a, b):
    """Bridge b's client edits line 'bravo' in an open buffer while bridge a saves another
    text for it; b's save then conflicts. Returns (uri, b's buffer text, a's text, b's result)."""
    uri = open_document(b, vault, "shared.md")
    mine = BASE.replace("bravo", "bravo, as I wrote it")
    change_document(b, uri, 2, [{"text": mine}])
    version = a.request("notes/open", {"path": "shared.md"})["version"]
    theirs = BASE.replace("bravo", "bravo, as they wrote it")
    assert a.request("notes/save", {"path": "shared.md", "text": theirs, "baseVersion": version})["status"] == "saved"
    result = b.request("workspace/executeCommand", {"command": "notebridge.save", "arguments": [uri]})
    assert result["status"] == "conflict"
    return uri, mine, theirs, result


def test_a_conflict_is_a_diagnostic_with_take_theirs_keep_mine_and_markers(vault, two_bridges):
    a, b = two_bridges
    uri, mine, theirs, result = make_conflict(vault, a, b)
    assert vault.read("shared.md") == theirs
    assert (vault.root / result["conflict"]["copyPath"]).read_text() == mine
    diagnostic = wait_diagnostic(b, uri, "conflict")
    assert diagnostic["severity"] == 1
    assert diagnostic["range"]["start"]["line"] == BASE.split("\n").index("bravo")
    actions = b.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    by_command = {}
    for action in actions:
        by_command.setdefault(action["command"]["command"], []).append(action)
    titles = " | ".join(action["title"] for action in actions).lower()
    assert "take theirs" in titles and "keep mine" in titles and "conflict markers" in titles
    take = next(a for a in actions if "take theirs" in a["title"].lower())
    assert take["edit"]["changes"][uri][0]["newText"] == theirs
    markers = next(a for a in actions if "markers" in a["title"].lower())
    marked = markers["edit"]["changes"][uri][0]["newText"]
    assert "<<<<<<<" in marked and ">>>>>>>" in marked
    assert "bravo, as I wrote it" in marked and "bravo, as they wrote it" in marked

    keep = by_command["notebridge.keepMine"][0]
    kept = b.request("workspace/executeCommand", keep["command"])
    assert kept["status"] == "saved"
    assert vault.read("shared.md") == mine
    wait_until(lambda: any(n["uri"] == uri and "conflict" not in diagnostic_codes(n)
                           for n in b.notifications("textDocument/publishDiagnostics")[-1:]),
               timeout=10, what="the conflict diagnostic cleared")
    assert wait_change(a, "shared.md", checksum=kept["checksum"])["origin"] == "desktop"


def test_take_theirs_then_saving_again_is_based_on_theirs(vault, two_bridges):
    a, b = two_bridges
    uri, mine, theirs, _ = make_conflict(vault, a, b)
    b.request("workspace/executeCommand", {"command": "notebridge.acceptRemote", "arguments": [uri]})
    change_document(b, uri, 3, [{"text": theirs + "an addition after taking theirs\n"}])
    saved = b.request("workspace/executeCommand", {"command": "notebridge.save", "arguments": [uri]})
    assert saved["status"] == "saved"
    assert vault.read("shared.md") == theirs + "an addition after taking theirs\n"


def test_an_editor_write_over_a_newer_version_keeps_it_as_a_conflict_copy(vault, two_bridges):
    a, b = two_bridges
    uri = open_document(b, vault, "shared.md")
    mine = BASE.replace("delta", "delta edited in my editor")
    change_document(b, uri, 2, [{"text": mine}])
    version = a.request("notes/open", {"path": "shared.md"})["version"]
    theirs = BASE.replace("echo", "echo saved by the laptop")
    a.request("notes/save", {"path": "shared.md", "text": theirs, "baseVersion": version})
    wait_diagnostic(b, uri, "changed-elsewhere-dirty")  # b has read the laptop's version
    # The editor writes the file itself (as Helix and VS Code do), then tells the bridge.
    vault.write("shared.md", mine)
    b.notify("textDocument/didSave", {"textDocument": {"uri": uri}, "text": mine})
    diagnostic = wait_diagnostic(b, uri, "overwrote-newer")
    copies = vault.conflict_copies("shared.md")
    assert [copy.read_text() for copy in copies] == [theirs]
    assert copies[0].name in diagnostic["message"]
    assert vault.read("shared.md") == mine
