"""Frontmatter aliases: `[[` completion offers a note by its aliases (textEdit ranges right in
UTF-16 and UTF-8), and a `[[link]]` naming an alias resolves to the note for definition, hover
and link diagnostics."""

import pytest

from test_language_vault import Vault, position, span, write_vault

ADA = "people/Ada Lovelace.md"
TOKYO = "日本/東京メモ.md"
JOURNAL = "notes/Journal.md"
SCRATCH = "notes/scratch.md"

NOTES = {
    ADA: (
        "---\n"
        "title: Ada Lovelace\n"
        "type: person\n"
        "aliases: [Countess of Lovelace, Ádá 🧮]\n"
        "---\n"
        "\n"
        "First programmer.\n"
    ),
    "people/Charles Babbage.md": "---\ntitle: Charles Babbage\naliases: Babbage, CB\n---\n\nEngines.\n",
    TOKYO: "---\ntitle: 東京メモ\naliases:\n  - 東京\n  - Tokyo\n---\n\n🗼\n",
    "people/Countess.md": "---\ntitle: Countess Index\n---\n\nA list of countesses.\n",
    JOURNAL: "# 日記\n\n😀 [[countess of lovelace]] と [[東京]] then [[Ádá 🧮|her]] and [[Nobody 🌀]].\n",
}


@pytest.fixture(params=["utf-16", "utf-8"])
def vault(request, tmp_path):
    root = tmp_path / "vault"
    write_vault(root, NOTES)
    server = Vault(root, tmp_path / "index.db", request.param)
    yield server
    server.close()


def complete(vault, text, needle, offset):
    vault.open(SCRATCH, text)
    return vault.request("textDocument/completion", vault.at(SCRATCH, needle, offset, text=text))["items"]


def test_completion_offers_the_alias_and_inserts_title_with_alias(vault):
    text = "# メモ\n\n😀 東京 [[coun"
    items = complete(vault, text, "[[coun", 6)
    labels = [item["label"] for item in items]
    # A shorter title outranks a longer alias; the alias item names its note.
    assert labels[:2] == ["Countess Index", "Countess of Lovelace"]
    alias = items[1]
    assert alias["detail"] == "alias of Ada Lovelace"
    assert alias["labelDetails"]["description"] == ADA
    assert alias["textEdit"]["newText"] == "Ada Lovelace|Countess of Lovelace]]"
    start = position(text, "coun", vault.encoding)
    assert alias["textEdit"]["range"] == {"start": start, "end": {"line": 2, "character": start["character"] + 4}}
    # 😀 is two UTF-16 units and four UTF-8 bytes, 東京 two units or six bytes.
    assert start["character"] == {"utf-16": 8, "utf-8": 14}[vault.encoding]


def test_completion_of_a_non_ascii_alias_replaces_through_closing_brackets(vault):
    text = "🗼 [[ád]] after"
    items = complete(vault, text, "ád", 2)
    [alias] = [item for item in items if item["label"] == "Ádá 🧮"]
    assert alias["detail"] == "alias of Ada Lovelace"
    assert alias["textEdit"] == {"range": span(text, "ád]]", vault.encoding), "newText": "Ada Lovelace|Ádá 🧮]]"}
    cjk = complete(vault, "x [[東", "[[東", 3)
    assert [(item["label"], item["detail"]) for item in cjk[:2]] == [("東京", "alias of 東京メモ"), ("東京メモ", TOKYO)]
    assert cjk[0]["textEdit"]["range"] == span("x [[東", "東", vault.encoding)


def test_definition_on_an_alias_link_goes_to_the_note(vault):
    vault.open(JOURNAL)
    assert vault.request("textDocument/definition", vault.at(JOURNAL, "countess of", 3))["uri"] == vault.uri(ADA)
    assert vault.request("textDocument/definition", vault.at(JOURNAL, "[[東京]]", 3))["uri"] == vault.uri(TOKYO)
    assert vault.request("textDocument/definition", vault.at(JOURNAL, "Ádá 🧮|", 1))["uri"] == vault.uri(ADA)
    assert vault.request("textDocument/definition", vault.at(JOURNAL, "Nobody")) is None


def test_hover_on_an_alias_link_shows_the_note_and_its_aliases(vault):
    text = vault.open(JOURNAL)
    hover = vault.request("textDocument/hover", vault.at(JOURNAL, "countess of", 3))
    value = hover["contents"]["value"]
    assert "**Ada Lovelace** · person" in value
    assert "Aliases: Countess of Lovelace, Ádá 🧮" in value
    assert hover["range"] == span(text, "[[countess of lovelace]]", vault.encoding)


def test_alias_links_raise_no_unresolved_link_diagnostic(vault):
    text = vault.open(JOURNAL)
    uri = vault.uri(JOURNAL)
    published = vault.client.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == uri and any(d.get("code") == "unresolved-link" for d in p["diagnostics"]))
    unresolved = [d["range"] for d in published["diagnostics"] if d.get("code") == "unresolved-link"]
    assert unresolved == [span(text, "[[Nobody 🌀]]", vault.encoding)]
    check = vault.request("workspace/executeCommand", {"command": "notebridge.check", "arguments": []})
    assert [link["target"] for link in check["unresolvedLinks"]] == ["Nobody 🌀"]
