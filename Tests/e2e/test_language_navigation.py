"""Definition, references (backlinks) and hover on notes with emoji and CJK text, in UTF-16 and UTF-8."""

from test_language_vault import span, vault  # noqa: F401 (fixture)

TOKYO = "日本/東京メモ.md"
ADA = "people/Ada Lovelace.md"
INDEX = "notes/Index.md"


def test_definition_on_a_link_after_emoji(vault):
    vault.open(TOKYO)
    location = vault.request("textDocument/definition", vault.at(TOKYO, "[[Ada Lovelace]]", 4))
    assert location["uri"] == vault.uri(ADA)
    # On the first `[` and on the last `]` too; alias links resolve by target.
    assert vault.request("textDocument/definition", vault.at(TOKYO, "[[Ada"))["uri"] == vault.uri(ADA)
    assert vault.request("textDocument/definition", vault.at(TOKYO, "]] と", 1))["uri"] == vault.uri(ADA)
    babbage = vault.request("textDocument/definition", vault.at(TOKYO, "|CB", 1))
    assert babbage["uri"] == vault.uri("people/Charles Babbage.md")


def test_definition_off_a_link_or_unresolved_is_null(vault):
    assert vault.request("textDocument/definition", vault.at(TOKYO, "絵文字")) is None
    assert vault.request("textDocument/definition", vault.at(TOKYO, " と", 1)) is None
    assert vault.request("textDocument/definition", vault.at(INDEX, "Nowhere")) is None
    # A permalink link resolves too.
    assert vault.request("textDocument/definition", vault.at(INDEX, "people/ada"))["uri"] == vault.uri(ADA)


def flat(locations):
    """(uri, start line, start character, end line, end character), sorted."""
    return sorted((uri, r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])
                  for uri, r in locations)


def expected_backlinks(vault):
    return [
        (vault.uri("people/Charles Babbage.md"), span(vault.text("people/Charles Babbage.md"), "[[Ada Lovelace]]", vault.encoding)),
        (vault.uri(INDEX), span(vault.text(INDEX), "[[people/ada-lovelace]]", vault.encoding)),
        (vault.uri(TOKYO), span(vault.text(TOKYO), "[[Ada Lovelace]]", vault.encoding, occurrence=0)),
        (vault.uri(TOKYO), span(vault.text(TOKYO), "[[Ada Lovelace]]", vault.encoding, occurrence=1)),
    ]


def test_references_anywhere_in_a_note_are_its_backlinks(vault):
    found = vault.request("textDocument/references", {**vault.at(ADA, "First programmer"),
                                                      "context": {"includeDeclaration": False}})
    assert flat((r["uri"], r["range"]) for r in found) == flat(expected_backlinks(vault))


def test_references_on_a_link_are_the_targets_backlinks(vault):
    vault.open(TOKYO)
    found = vault.request("textDocument/references", {**vault.at(TOKYO, "Ada Lovelace]]", 2),
                                                      "context": {"includeDeclaration": True}})
    declaration = (vault.uri(ADA), {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    assert flat((r["uri"], r["range"]) for r in found) == flat(expected_backlinks(vault) + [declaration])
    assert vault.request("textDocument/references", {**vault.at(INDEX, "Nowhere"), "context": {"includeDeclaration": True}}) == []


def test_hover_shows_title_type_first_lines_and_observations(vault):
    text = vault.open(TOKYO)
    hover = vault.request("textDocument/hover", vault.at(TOKYO, "[[Ada Lovelace]]", 5))
    value = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert "**Ada Lovelace** · person" in value
    assert "`people/Ada Lovelace.md`" in value
    assert "First programmer 🧮, wrote notes on the engine." in value and "Second line of prose." in value
    assert "**Observations** (2): 1 fact, 1 idea" in value
    assert "- [idea] Machines could compose music 🎵" in value
    assert hover["range"] == span(text, "[[Ada Lovelace]]", vault.encoding)


def test_hover_on_an_unresolved_link_and_off_links(vault):
    hover = vault.request("textDocument/hover", vault.at(INDEX, "Nowhere"))
    assert "No note is named **Nowhere 🌀**" in hover["contents"]["value"]
    assert hover["range"] == span(vault.text(INDEX), "[[Nowhere 🌀]]", vault.encoding)
    assert vault.request("textDocument/hover", vault.at(INDEX, "Start")) is None
