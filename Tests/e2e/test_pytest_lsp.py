"""The bridge driven by pytest-lsp with the client capabilities Neovim 0.10 and VS Code 1.65 really
send (recorded in pytest-lsp). pytest-lsp also checks every result against those capabilities.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time

import pytest
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

from harness.lsp import LspClient

pytestmark = pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning")

CLIENTS = ["neovim@v0.10.0", "visual-studio-code@v1.65.2"]

NOTE = """---
title: Trip plan
---

# Trip plan 🗺️

- [todo] book the ferry #travel
- visits [[Harbour Town]]
"""


async def eventually(condition, what: str, timeout: float = 15.0):
    """Awaits until `condition()` is truthy and returns it; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not true after {timeout:g} s")
        await asyncio.sleep(0.02)
    return result


def plain(value):
    """pygls hands back results of methods it has no type for as named tuples: make them JSON values."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def converter():
    """pygls' converter, except that a code action carrying a command is still a CodeAction.

    lsprotocol 2025.0.0 reads any `{..., "command": ...}` in a codeAction result as a Command
    (dropping its edit); editors tell them apart the way the spec does: a Command's `command` is
    a string, a CodeAction's is an object.
    """
    result = default_converter()

    def command_or_code_action(value, _):
        kind = types.Command if isinstance(value.get("command"), str) else types.CodeAction
        return result.structure(value, kind)

    result.register_structure_hook(types.Command | types.CodeAction, command_or_code_action)
    return result


def make_client() -> LanguageClient:
    """pytest-lsp's test client with the converter above, also collecting notes/didChange."""
    client = LanguageClient(converter_factory=converter)
    register_lsp_features(client)
    client.note_changes = []
    client.feature("notes/didChange")(lambda params: client.note_changes.append(plain(params)))
    return client


class Bridge:
    """A started, initialized bridge over a temporary root, as one recorded client."""

    def __init__(self, client: LanguageClient, root, database, initialize_result):
        self.client = client
        self.root = root
        self.database = database
        self.capabilities = initialize_result.capabilities
        self.uri = (root / "trip.md").as_uri()

    async def request(self, method: str, params: dict) -> dict:
        """A notes/* request; the result as plain JSON values."""
        return plain(await self.client.protocol.send_request_async(method, params))

    async def command(self, command: str, *arguments) -> dict:
        """workspace/executeCommand; the result as plain JSON values."""
        return plain(await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=list(arguments))))

    def open(self, text: str = NOTE, version: int = 1) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=self.uri, language_id="markdown", version=version, text=text)))

    def change(self, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text)]))

    def codes(self) -> list[str]:
        return [str(diagnostic.code) for diagnostic in self.client.diagnostics.get(self.uri, [])]

    async def opened(self) -> None:
        """Waits for the bridge's first diagnostics for the note: it has the document open."""
        await eventually(lambda: self.uri in self.client.diagnostics, "the first diagnostics")


@pytest.fixture(params=CLIENTS)
async def bridge(request, tmp_path, notebridge_bin):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "trip.md").write_text(NOTE)
    (root / "harbour-town.md").write_text("---\ntitle: Harbour Town\n---\n\nA ferry port.\n")
    database = tmp_path / "index.sqlite"
    config = ClientServerConfig(client_factory=make_client, server_command=[
        str(notebridge_bin), "serve", "--root", str(root), "--database", str(database), "--device", "editor",
        "--poll-interval", "0.2"])
    client = await config.start()
    try:
        result = await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities(request.param), root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="notes")]))
        await eventually(lambda: any(isinstance(report, types.WorkDoneProgressEnd)
                                     for reports in client.progress_reports.values() for report in reports),
                         "the first index to finish")
        yield Bridge(client, root, database, result)
        await client.shutdown_session()
    finally:
        await client.stop()


def other_device_saves(bridge: Bridge, text: str) -> dict:
    """Another bridge process (device "laptop") saves `text` over trip.md's current version."""
    other = LspClient(["serve", "--root", str(bridge.root), "--database", str(bridge.database), "--device", "laptop"])
    try:
        other.initialize(bridge.root)
        other.wait_indexed()
        current = other.request("notes/open", {"path": "trip.md"})
        return other.request("notes/save", {"path": "trip.md", "text": text, "baseVersion": current["version"]})
    finally:
        other.shutdown()
        other.close()


async def test_initialize_offers_what_the_editors_use(bridge):
    capabilities = bridge.capabilities
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16  # neither client offers utf-8
    sync = capabilities.text_document_sync
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.save.include_text is True
    assert capabilities.workspace_symbol_provider
    assert list(capabilities.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix,
                                                                         types.CodeActionKind.Source]
    assert {"notebridge.save", "notebridge.keepMine", "notebridge.acceptRemote", "notebridge.reindex"} <= set(
        capabilities.execute_command_provider.commands)


async def test_incremental_edits_in_utf16_are_what_gets_saved(bridge):
    bridge.open()
    await bridge.opened()
    # Line 4 is "# Trip plan 🗺️": the map emoji is 2 UTF-16 units, its variation selector 1.
    bridge.change(2, (4, 12), (4, 15), "(updated)")
    bridge.change(3, (6, 9), (6, 9), "the morning ")

    saved = await bridge.command("notebridge.save", bridge.uri)

    expected = NOTE.replace("# Trip plan 🗺️", "# Trip plan (updated)").replace(
        "- [todo] book the ferry", "- [todo] the morning book the ferry")
    assert saved["status"] == "saved"
    assert (bridge.root / "trip.md").read_text() == expected


async def test_notes_save_uses_the_open_buffers_base(bridge):
    bridge.open()
    await bridge.opened()
    text = NOTE + "- [idea] bring a kite\n"
    bridge.change(2, (8, 0), (8, 0), "- [idea] bring a kite\n")

    saved = await bridge.request("notes/save", {"uri": bridge.uri, "text": text})
    again = await bridge.request("notes/save", {"uri": bridge.uri, "text": text})

    assert saved["status"] == "saved" and saved["version"] >= 1
    assert again["status"] == "unchanged"
    assert (bridge.root / "trip.md").read_text() == text


async def test_did_save_of_a_file_the_editor_wrote_is_recorded(bridge, notebridge_bin):
    bridge.open()
    await bridge.opened()
    text = NOTE.replace("book the ferry", "book the hovercraft")
    bridge.change(2, (6, 9), (6, 23), "book the hovercraft")
    (bridge.root / "trip.md").write_text(text)  # the editor writes the file itself…
    bridge.client.text_document_did_save(types.DidSaveTextDocumentParams(  # …and says so
        text_document=types.TextDocumentIdentifier(uri=bridge.uri), text=text))

    found = await eventually(lambda: _search(notebridge_bin, bridge, "hovercraft"),
                             "the index recording the editor's write")
    assert found == ["trip.md"]
    assert "overwrote-newer" not in bridge.codes()


def _search(notebridge_bin, bridge: Bridge, query: str) -> list[str]:
    result = subprocess.run([str(notebridge_bin), "search", query, "--root", str(bridge.root), "--database",
                             str(bridge.database), "--json"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [hit["path"] for hit in json.loads(result.stdout)["results"]]


async def test_search_through_notes_search_and_workspace_symbol(bridge):
    found = await bridge.request("notes/search", {"query": "ferry", "limit": 5})
    symbols = await bridge.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="ferry"))

    assert sorted(hit["path"] for hit in found["results"]) == ["harbour-town.md", "trip.md"]
    trip = next(hit for hit in found["results"] if hit["path"] == "trip.md")
    assert trip["title"] == "Trip plan" and trip["uri"] == bridge.uri and trip["permalink"] == "trip"
    assert sorted(symbol.name for symbol in symbols) == ["Harbour Town", "Trip plan"]
    assert {symbol.location.uri for symbol in symbols} == {bridge.uri, (bridge.root / "harbour-town.md").as_uri()}


async def test_conflict_shows_as_diagnostics_with_code_actions_to_resolve_it(bridge):
    bridge.open()
    await bridge.opened()
    ours = NOTE.replace("book the ferry", "book the night ferry")
    bridge.change(2, (6, 9), (6, 23), "book the night ferry")
    theirs = NOTE.replace("book the ferry", "book the early ferry")
    assert other_device_saves(bridge, theirs)["status"] == "saved"
    await eventually(lambda: "changed-elsewhere-dirty" in bridge.codes(), "the changed-elsewhere warning")
    heard = [change for notice in bridge.client.note_changes for change in notice["changes"]]
    assert {"path": "trip.md", "kind": "changed", "origin": "laptop", "uri": bridge.uri} in [
        {key: change[key] for key in ("path", "kind", "origin", "uri")} for change in heard]

    result = await bridge.request("notes/save", {"uri": bridge.uri, "text": ours})

    assert result["status"] == "conflict"
    assert result["text"] == theirs
    copy = result["conflict"]["copyPath"]
    assert (bridge.root / copy).read_text() == ours
    assert (bridge.root / "trip.md").read_text() == theirs  # their version stays; nothing is lost
    await eventually(lambda: "conflict" in bridge.codes(), "the conflict diagnostic")
    conflict = next(d for d in bridge.client.diagnostics[bridge.uri] if d.code == "conflict")
    assert conflict.range.start.line == 6 and conflict.severity == types.DiagnosticSeverity.Error
    assert copy in conflict.message

    actions = await bridge.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=bridge.uri), range=conflict.range,
        context=types.CodeActionContext(diagnostics=[conflict])))
    titles = [action.title for action in actions]
    assert [title.split(" (")[0] for title in titles] == ["Take theirs", "Keep mine", "Insert conflict markers"]
    take_theirs = actions[0]
    assert take_theirs.edit.changes[bridge.uri][0].new_text == theirs
    markers = actions[2].edit.changes[bridge.uri][0].new_text
    assert "book the night ferry" in markers and "book the early ferry" in markers

    kept = await bridge.command(actions[1].command.command, *actions[1].command.arguments)
    assert kept["status"] == "saved"
    assert (bridge.root / "trip.md").read_text() == ours
    await eventually(lambda: "conflict" not in bridge.codes(), "the conflict diagnostic to clear")
