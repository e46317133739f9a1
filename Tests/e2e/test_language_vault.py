"""A small vault with non-ASCII notes and a server over it, shared by the language feature tests
(test_language_*.py), plus the capability test. Positions are computed here in the encoding the
test negotiated (UTF-16 by default, UTF-8 when offered), so every feature is checked in both."""

import os
import urllib.parse
from pathlib import Path

import pytest

from harness.lsp import LspClient

NOTES = {
    "people/Ada Lovelace.md": (
        "---\n"
        "title: Ada Lovelace\n"
        "type: person\n"
        "tags: [math]\n"
        "---\n"
        "\n"
        "# Ada Lovelace\n"
        "\n"
        "First programmer 🧮, wrote notes on the engine.\n"
        "Second line of prose.\n"
        "\n"
        "## Observations\n"
        "\n"
        "- [fact] Wrote the first algorithm #math (1843)\n"
        "- [idea] Machines could compose music 🎵\n"
        "\n"
        "## Relations\n"
        "\n"
        "- worked_with [[Charles Babbage]]\n"
    ),
    "people/Charles Babbage.md": (
        "---\n"
        "title: Charles Babbage\n"
        "type: person\n"
        "tags: [math, engines]\n"
        "---\n"
        "\n"
        "# Charles Babbage\n"
        "\n"
        "- [fact] Designed the difference engine #engines\n"
        "- mentored [[Ada Lovelace]]\n"
    ),
    "日本/東京メモ.md": (
        "---\n"
        "title: 東京メモ\n"
        "---\n"
        "\n"
        "# 東京メモ 🗼\n"
        "\n"
        "😀 絵文字 [[Ada Lovelace]] と [[Charles Babbage|CB]]\n"
        "\n"
        "## 観察 📝\n"
        "\n"
        "- [場所] 浅草の寺 #旅行\n"
        "- inspired_by [[Ada Lovelace]]\n"
    ),
    "notes/Index.md": (
        "---\n"
        "title: Index\n"
        "permalink: notes/index\n"
        "---\n"
        "\n"
        "Start at [[people/ada-lovelace]], then [[Nowhere 🌀]].\n"
    ),
    "notes/Copy A.md": "---\ntitle: Copy A\npermalink: shared/copy\n---\n\nA.\n",
    "notes/Copy B.md": "---\ntitle: Copy B\npermalink: shared/copy\n---\n\nB.\n",
}


def write_vault(root: Path, notes=NOTES):
    for path, text in notes.items():
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")


def units(text: str, encoding: str) -> int:
    """Length of `text` in the position encoding's code units."""
    return len(text.encode("utf-8")) if encoding == "utf-8" else len(text.encode("utf-16-le")) // 2


def position(text: str, needle: str, encoding: str, offset: int = 0, occurrence: int = 0) -> dict:
    """The LSP position of `needle` (its `occurrence`-th appearance) plus `offset` characters."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": units(text[line_start:index], encoding)}


def span(text: str, needle: str, encoding: str, occurrence: int = 0) -> dict:
    start = position(text, needle, encoding, occurrence=occurrence)
    return {"start": start, "end": {"line": start["line"], "character": start["character"] + units(needle, encoding)}}


def apply_text_edits(text: str, edits, encoding: str) -> str:
    """Applies LSP TextEdits (all against the original text) the way a client does."""
    lines = text.split("\n")

    def offset(pos):
        line = lines[pos["line"]]
        if encoding == "utf-8":
            prefix = line.encode("utf-8")[: pos["character"]].decode("utf-8")
        else:
            prefix = line.encode("utf-16-le")[: 2 * pos["character"]].decode("utf-16-le")
        return sum(len(l) + 1 for l in lines[: pos["line"]]) + len(prefix)

    placed = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for start, end, new in placed:
        text = text[:start] + new + text[end:]
    return text


def path_of(uri: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlparse(uri).path))


def client_capabilities(encoding: str, hierarchical=True, resource_operations=("create", "rename", "delete"),
                        document_changes=True):
    capabilities = {
        "window": {"workDoneProgress": True},
        "workspace": {"workspaceEdit": {"documentChanges": document_changes, "resourceOperations": list(resource_operations)}},
        "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": hierarchical}},
    }
    if encoding == "utf-8":
        capabilities["general"] = {"positionEncodings": ["utf-8", "utf-16"]}
    return capabilities


class Vault:
    """A running server over a fresh copy of NOTES, speaking `encoding`."""

    def __init__(self, root: Path, database, encoding: str, env=None, **capabilities):
        self.root = root
        self.encoding = encoding
        self.client = LspClient(["serve", "--root", str(root), "--database", str(database), "--device", "test",
                                 "--log-level", "error"], env=env)
        result = self.client.initialize(root=root, capabilities=client_capabilities(encoding, **capabilities))
        assert result["capabilities"]["positionEncoding"] == encoding
        self.client.wait_indexed()

    def uri(self, path: str) -> str:
        return (self.root / path).as_uri()

    def text(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def open(self, path: str, text=None):
        text = self.text(path) if text is None else text
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri(path), "languageId": "markdown", "version": 1, "text": text}})
        return text

    def at(self, path: str, needle: str, offset=0, text=None, occurrence=0):
        """textDocument + position params at `needle` in the note (or in `text`)."""
        source = self.text(path) if text is None else text
        return {"textDocument": {"uri": self.uri(path)},
                "position": position(source, needle, self.encoding, offset, occurrence)}

    def request(self, method, params):
        return self.client.request(method, params)

    def close(self):
        self.client.shutdown()
        self.client.close()


@pytest.fixture(params=["utf-16", "utf-8"])
def vault(request, tmp_path):
    root = tmp_path / "vault"
    write_vault(root)
    server = Vault(root, tmp_path / "index.db", request.param)
    yield server
    server.close()


@pytest.fixture
def make_vault(tmp_path):
    """Starts servers with chosen capabilities over one vault; all are stopped at the end."""
    root = tmp_path / "vault"
    write_vault(root)
    started = []

    def make(encoding="utf-16", **capabilities):
        server = Vault(root, tmp_path / f"index-{len(started)}.db", encoding, **capabilities)
        started.append(server)
        return server

    yield make
    for server in started:
        server.close()


def test_language_capabilities_are_advertised(tmp_path):
    root = tmp_path / "vault"
    write_vault(root)
    client = LspClient(["serve", "--root", str(root), "--database", str(tmp_path / "index.db")])
    try:
        capabilities = client.initialize(root=root)["capabilities"]
        assert set(capabilities["completionProvider"]["triggerCharacters"]) >= {"[", "#", " "}
        for provider in ("definitionProvider", "referencesProvider", "hoverProvider", "documentSymbolProvider"):
            assert capabilities[provider] is True
        assert capabilities["renameProvider"] == {"prepareProvider": True}
        assert {"notebridge.check", "notebridge.createNote"} <= set(capabilities["executeCommandProvider"]["commands"])
    finally:
        client.shutdown()
        client.close()
