"""Completion: `[[` notes, `#` tags, `- ` relation types, `- [` categories, with textEdit ranges
right in UTF-16 and UTF-8 on lines with emoji and CJK text."""

from test_language_vault import position, span, vault  # noqa: F401 (fixture)

SCRATCH = "日本/scratch.md"


def complete(vault, text, needle, offset):
    """Opens `text` as a scratch note and completes at `needle` + `offset` characters."""
    vault.open(SCRATCH, text)
    result = vault.request("textDocument/completion", vault.at(SCRATCH, needle, offset, text=text))
    return result["items"]


def test_link_completion_after_emoji_and_cjk(vault):
    text = "# メモ\n\n😀 東京 [[ada"
    items = complete(vault, text, "[[ada", 5)
    first = items[0]
    assert first["label"] == "Ada Lovelace"
    assert first["detail"] == "people/Ada Lovelace.md"
    assert first["textEdit"]["newText"] == "Ada Lovelace]]"
    start = position(text, "ada", vault.encoding)
    assert first["textEdit"]["range"] == {"start": start, "end": {"line": 2, "character": start["character"] + 3}}
    # 😀 is two UTF-16 units and four UTF-8 bytes, 東京 two units or six bytes.
    assert start["character"] == {"utf-16": 8, "utf-8": 14}[vault.encoding]


def test_link_completion_replaces_through_closing_brackets(vault):
    text = "🗼 [[Char]] after"
    items = complete(vault, text, "Char", 4)
    babbage = next(item for item in items if item["label"] == "Charles Babbage")
    assert babbage["textEdit"]["newText"] == "Charles Babbage]]"
    assert babbage["textEdit"]["range"] == span(text, "Char]]", vault.encoding)


def test_link_completion_is_fuzzy_and_ranked(vault):
    titles = [item["label"] for item in complete(vault, "[[lvl", "[[lvl", 5)]
    assert titles[0] == "Ada Lovelace"  # letters in order: l…v…l
    by_permalink = [item["label"] for item in complete(vault, "[[people/char", "[[people/char", 13)]
    assert by_permalink[0] == "Charles Babbage"
    cjk = complete(vault, "x [[東京", "[[東京", 4)
    assert cjk[0]["label"] == "東京メモ" and cjk[0]["detail"] == "日本/東京メモ.md"
    # An exact title outranks a longer title that merely starts with it.
    ranked = [item["label"] for item in complete(vault, "[[index", "[[index", 7)]
    assert ranked[0] == "Index"
    assert [item["sortText"] for item in complete(vault, "[[a", "[[a", 3)] == sorted(
        item["sortText"] for item in complete(vault, "[[a", "[[a", 3))


def test_tag_completion_with_counts(vault):
    text = "日本語のメモ 😀 #ma"
    items = complete(vault, text, "#ma", 3)
    math = next(item for item in items if item["label"] == "math")
    assert math["detail"] == "2 notes"
    assert math["textEdit"] == {"range": span(text, "ma", vault.encoding, occurrence=0), "newText": "math"}
    cjk = complete(vault, "🎌 #旅", "#旅", 2)
    assert [item["label"] for item in cjk] == ["旅行"]
    assert cjk[0]["textEdit"]["range"] == span("🎌 #旅", "旅", vault.encoding)


def test_relation_type_completion_at_list_item_start(vault):
    text = "# 関係\n\n- wo"
    items = complete(vault, text, "- wo", 4)
    assert [item["label"] for item in items] == ["worked_with"]
    assert items[0]["textEdit"] == {"range": span(text, "wo", vault.encoding), "newText": "worked_with [["}
    every = [item["label"] for item in complete(vault, "- ", "- ", 2)]
    assert every == ["inspired_by", "mentored", "worked_with"]
    # Not a list item: nothing.
    assert complete(vault, "text wo", "wo", 2) == []


def test_category_completion_replaces_the_closing_bracket(vault):
    text = "# 観察\n\n- [fa]"
    items = complete(vault, text, "[fa", 3)
    assert [item["label"] for item in items] == ["fact"]
    assert items[0]["textEdit"] == {"range": span(text, "fa]", vault.encoding), "newText": "fact]"}
    cjk = complete(vault, "- [場", "[場", 2)
    assert cjk[0]["label"] == "場所"
    assert cjk[0]["textEdit"]["range"] == span("- [場", "場", vault.encoding)
    assert cjk[0]["textEdit"]["newText"] == "場所] "


def test_no_completion_in_frontmatter_lists(vault):
    text = "---\ntags:\n- ma\n---\n"
    assert complete(vault, text, "- ma", 4) == []
