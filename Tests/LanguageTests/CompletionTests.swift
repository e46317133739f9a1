@testable import Language
import LSP
import Notes
import Testing

private let vault = FakeNoteQueries(notes: [project, plan], aliases: ["Proj X": "work/project.md"],
                                    tagUses: [TagUse(tag: "project", count: 3), TagUse(tag: "private", count: 1), TagUse(tag: "done", count: 2)],
                                    types: ["part_of", "relates_to"], categoryNames: ["fact", "idea"])

private func complete(_ text: String, _ position: Position, _ encoding: PositionEncoding) throws -> CompletionList {
    let note = snapshot(text)
    return try Completion.list(in: note, at: note.cursor(at: position, encoding: encoding), encoding: encoding, queries: vault)
}

// "See 😀 [[Pro": the emoji is 4 UTF-8 bytes and 2 UTF-16 units, so `Pro` is bytes 11..<14, units 9..<12.
private let emojiLink = "---\ntitle: Today\n---\n\nSee 😀 [[Pro\n"

@Test func linkCompletionInUTF16ReplacesTheTypedTextAfterAnEmoji() throws {
    let list = try complete(emojiLink, Position(line: 4, character: 12), .utf16)
    #expect(list.isIncomplete)
    let item = try #require(list.items.first)
    #expect(item.label == "Project")
    #expect(item.kind == .reference)
    #expect(item.textEdit == LSPTextEdit(range: LSPRange(line: 4, start: 9, end: 12), newText: "Project]]"))
    #expect(item.filterText == "ProProject")
    #expect(item.labelDescription == "work/project.md")
    #expect(item.documentation == "note · work/project")
}

@Test func linkCompletionInUTF8CountsBytes() throws {
    let list = try complete(emojiLink, Position(line: 4, character: 14), .utf8)
    #expect(list.items.first?.textEdit.range == LSPRange(line: 4, start: 11, end: 14))
}

@Test func linkCompletionByAliasInsertsTitleAndAlias() throws {
    let list = try complete("[[Proj", Position(line: 0, character: 6), .utf16)
    let alias = try #require(list.items.first { $0.label == "Proj X" })
    #expect(alias.detail == "alias of Project")
    #expect(alias.textEdit.newText == "Project|Proj X]]")
}

@Test func linkCompletionReplacesUpToAnExistingClose() throws {
    let list = try complete("[[Pl]] after", Position(line: 0, character: 4), .utf16)
    #expect(list.items.map(\.label) == ["Plan"])
    #expect(list.items[0].textEdit == LSPTextEdit(range: LSPRange(line: 0, start: 2, end: 6), newText: "Plan]]"))
    #expect(list.items[0].sortText == "00000")
}

@Test func tagCompletionAfterCJKTextFiltersByPrefixInBothEncodings() throws {
    // "中文 #pr": 中文 is 6 bytes and 2 UTF-16 units; `pr` is bytes 8..<10, units 4..<6.
    let utf16 = try complete("中文 #pr", Position(line: 0, character: 6), .utf16)
    #expect(utf16.items.map(\.label) == ["project", "private"])
    #expect(utf16.items[0].detail == "3 notes")
    #expect(utf16.items[1].detail == "1 note")
    #expect(utf16.items[0].textEdit == LSPTextEdit(range: LSPRange(line: 0, start: 4, end: 6), newText: "project"))
    let utf8 = try complete("中文 #pr", Position(line: 0, character: 10), .utf8)
    #expect(utf8.items[0].textEdit.range == LSPRange(line: 0, start: 8, end: 10))
}

@Test func relationTypeCompletionOpensTheLink() throws {
    let list = try complete("# A\n\n- rel", Position(line: 2, character: 5), .utf16)
    #expect(list.items.map(\.label) == ["relates_to"])
    #expect(list.items[0].kind == .keyword)
    #expect(list.items[0].textEdit == LSPTextEdit(range: LSPRange(line: 2, start: 2, end: 5), newText: "relates_to [["))
}

@Test func categoryCompletionClosesTheBracketOnlyWhenMissing() throws {
    let open = try complete("- [fa", Position(line: 0, character: 5), .utf16)
    #expect(open.items.map(\.textEdit) == [LSPTextEdit(range: LSPRange(line: 0, start: 3, end: 5), newText: "fact] ")])
    let closed = try complete("- [fa] text", Position(line: 0, character: 5), .utf16)
    #expect(closed.items.map(\.textEdit) == [LSPTextEdit(range: LSPRange(line: 0, start: 3, end: 6), newText: "fact]")])
}

@Test func noTagCompletionInTheFrontmatterOrInPlainText() throws {
    #expect(try complete("---\ntitle: #pr\n---\n", Position(line: 1, character: 10), .utf16).items.isEmpty)
    #expect(try complete("just words", Position(line: 0, character: 4), .utf16).json == ["isIncomplete": false, "items": []])
}

@Test func completionItemJSONCarriesTheLSPFields() throws {
    let item = try #require(try complete("[[Pl", Position(line: 0, character: 4), .utf16).items.first)
    #expect(item.json["kind"] == 18)
    #expect(item.json["labelDetails"]?["description"] == "work/plan.md")
    #expect(item.json["textEdit"]?["range"]?["end"] == ["line": 0, "character": 4])
}

@Test func noLinkCompletionWhileTypingAnAliasOrAfterAClosedLink() throws {
    #expect(try complete("[[Project|Pr", Position(line: 0, character: 12), .utf16).items.isEmpty)
    #expect(try complete("[[Project]] Pr", Position(line: 0, character: 14), .utf16).items.isEmpty)
}
