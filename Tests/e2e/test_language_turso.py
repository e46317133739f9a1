"""The language features over a Turso-style index (the Hrana test server), not just local SQLite."""

import os

from test_language_vault import Vault, span, write_vault

ADA = "people/Ada Lovelace.md"
TOKYO = "日本/東京メモ.md"
INDEX = "notes/Index.md"


def test_language_features_over_hrana(tmp_path, hrana_server):
    root = tmp_path / "vault"
    write_vault(root)
    server = Vault(root, hrana_server.url, "utf-8", env={**os.environ, "TURSO_AUTH_TOKEN": hrana_server.token})
    try:
        tokyo = server.open(TOKYO)
        assert server.request("textDocument/definition", server.at(TOKYO, "[[Ada", 3))["uri"] == server.uri(ADA)
        references = server.request("textDocument/references", {**server.at(ADA, "First"), "context": {"includeDeclaration": False}})
        assert len(references) == 4
        assert {"uri": server.uri(TOKYO), "range": span(tokyo, "[[Ada Lovelace]]", "utf-8")} in references
        hover = server.request("textDocument/hover", server.at(TOKYO, "[[Ada", 3))
        assert "**Observations** (2)" in hover["contents"]["value"]
        server.open("notes/scratch.md", "x [[lov")
        items = server.request("textDocument/completion", server.at("notes/scratch.md", "lov", 3, text="x [[lov"))["items"]
        assert items[0]["label"] == "Ada Lovelace"
        edit = server.request("textDocument/rename", {**server.at(TOKYO, "[[Ada", 3), "newName": "Ada K"})
        assert len(edit["documentChanges"]) == 5  # four files with links or the title, then the file rename
        check = server.request("workspace/executeCommand", {"command": "notebridge.check"})
        assert check["problems"] == 2
    finally:
        server.close()
