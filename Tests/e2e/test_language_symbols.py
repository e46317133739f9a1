"""documentSymbol: headings nested by level, observations and relations grouped under the heading
they sit in, ranges in UTF-16 and UTF-8; flat SymbolInformation for clients without hierarchy."""

import pytest

from test_language_vault import make_vault, span, vault  # noqa: F401 (fixtures)

TOKYO = "日本/東京メモ.md"


def outline(symbols):
    """name → (kind, children outline), keeping order."""
    return [(s["name"], s["kind"], outline(s.get("children", []))) for s in symbols]


def test_headings_nest_and_group_observations_and_relations(vault):
    symbols = vault.request("textDocument/documentSymbol", {"textDocument": {"uri": vault.uri("people/Ada Lovelace.md")}})
    assert outline(symbols) == [
        ("Ada Lovelace", 15, [
            ("Observations", 15, [
                ("Observations", 18, [
                    ("[fact] Wrote the first algorithm #math", 8, []),
                    ("[idea] Machines could compose music 🎵", 8, []),
                ]),
            ]),
            ("Relations", 15, [
                ("Relations", 18, [("worked_with [[Charles Babbage]]", 7, [])]),
            ]),
        ]),
    ]


def test_symbol_ranges_in_cjk_and_emoji_text(vault):
    text = vault.open(TOKYO)
    [top] = vault.request("textDocument/documentSymbol", {"textDocument": {"uri": vault.uri(TOKYO)}})
    assert top["name"] == "東京メモ 🗼"
    assert top["selectionRange"] == span(text, "# 東京メモ 🗼", vault.encoding)
    last_line = text.count("\n")
    assert top["range"] == {"start": {"line": 4, "character": 0}, "end": {"line": last_line, "character": 0}}
    [section] = top["children"]
    assert section["name"] == "観察 📝"
    observations, relations = section["children"]
    assert observations["name"] == "Observations" and relations["name"] == "Relations"
    [place] = observations["children"]
    assert place["name"] == "[場所] 浅草の寺 #旅行"
    assert place["range"] == span(text, "[場所] 浅草の寺 #旅行", vault.encoding)
    [inspired] = relations["children"]
    assert inspired["name"] == "inspired_by [[Ada Lovelace]]"
    assert inspired["selectionRange"] == span(text, "[[Ada Lovelace]]", vault.encoding, occurrence=1)
    # Every child lies inside its parent.
    def inside(inner, outer):
        key = lambda p: (p["line"], p["character"])
        return key(outer["start"]) <= key(inner["start"]) and key(inner["end"]) <= key(outer["end"])
    def check(symbol):
        assert inside(symbol["selectionRange"], symbol["range"])
        for child in symbol.get("children", []):
            assert inside(child["range"], symbol["range"])
            check(child)
    check(top)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_flat_symbols_for_clients_without_hierarchy(make_vault, encoding):
    server = make_vault(encoding, hierarchical=False)
    text = server.text(TOKYO)
    symbols = server.request("textDocument/documentSymbol", {"textDocument": {"uri": server.uri(TOKYO)}})
    by_name = {s["name"]: s for s in symbols}
    assert "children" not in by_name["東京メモ 🗼"]
    assert by_name["観察 📝"]["containerName"] == "東京メモ 🗼"
    place = by_name["[場所] 浅草の寺 #旅行"]
    assert place["containerName"] == "Observations"
    assert place["location"] == {"uri": server.uri(TOKYO), "range": span(text, "[場所] 浅草の寺 #旅行", encoding)}
