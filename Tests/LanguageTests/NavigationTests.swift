@testable import Language
import LSP
import Notes
import Testing

// "- 😀 relates_to [[Project]]": the link starts at byte 18 and UTF-16 unit 16.
private let text = "# Today\n\n- 😀 relates_to [[Project]]\n- part_of [[Nowhere]]\n"
private let note = snapshot(text)
private let backlink = Backlink(sourcePath: "notes/other.md", span: TextSpan(line: 3, utf8: 10..<21, utf16: 8..<19))
private let vault = FakeNoteQueries(notes: [project], linksTo: ["work/project.md": [backlink], "today.md": [backlink]],
                                    overviews: ["work/project.md": NoteOverview(body: "# Project\n\nShip it.",
                                                                                observations: [.init(category: "fact", content: "big")],
                                                                                aliases: ["Proj X"])])

private func cursor(_ line: Int, _ character: Int, _ encoding: PositionEncoding = .utf16) -> Cursor {
    note.cursor(at: Position(line: line, character: character), encoding: encoding)
}

@Test func cursorCountsUTF16UnitsAndUTF8BytesAndClampsPastTheEnd() {
    #expect(cursor(2, 16).byte == 18)
    #expect(cursor(2, 18, .utf8).byte == 18)
    #expect(cursor(2, 500).byte == note.lineBytes(2).count)
    #expect(cursor(99, 0).line == note.lines.lineCount - 1)
}

@Test func definitionOfALinkIsTheTopOfTheNamedNote() throws {
    let location = try Navigation.definition(in: note, at: cursor(2, 20), queries: vault)
    #expect(location == Location(uri: "file:///vault/work/project.md", range: .top))
}

@Test func definitionIsNilOffALinkAndOnAnUnresolvedLink() throws {
    #expect(try Navigation.definition(in: note, at: cursor(0, 2), queries: vault) == nil)
    #expect(try Navigation.definition(in: note, at: cursor(3, 14), queries: vault) == nil)
}

@Test func referencesOnALinkAreTheTargetsBacklinksInTheNegotiatedEncoding() throws {
    let utf16 = try Navigation.references(in: note, at: cursor(2, 20), includeDeclaration: false, encoding: .utf16, queries: vault)
    #expect(utf16 == [Location(uri: "file:///vault/notes/other.md", range: LSPRange(line: 3, start: 8, end: 19))])
    let utf8 = try Navigation.references(in: note, at: cursor(2, 20), includeDeclaration: true, encoding: .utf8, queries: vault)
    #expect(utf8 == [Location(uri: "file:///vault/work/project.md", range: .top),
                     Location(uri: "file:///vault/notes/other.md", range: LSPRange(line: 3, start: 10, end: 21))])
}

@Test func referencesOffALinkAreThisNotesBacklinksAndNoneForAnUnresolvedLink() throws {
    let here = try Navigation.references(in: note, at: cursor(0, 2), includeDeclaration: false, encoding: .utf16, queries: vault)
    #expect(here.map(\.uri) == ["file:///vault/notes/other.md"])
    #expect(try Navigation.references(in: note, at: cursor(3, 14), includeDeclaration: true, encoding: .utf16, queries: vault).isEmpty)
}

@Test func hoverOnALinkShowsTheTargetWithTheLinkRange() throws {
    let hover = try #require(try Navigation.hover(in: note, at: cursor(2, 20), encoding: .utf16, queries: vault))
    #expect(hover.range == LSPRange(line: 2, start: 16, end: 27))
    #expect(hover.markdown.hasPrefix("**Project** · note  \n`work/project.md`  \nAliases: Proj X"))
    #expect(hover.markdown.contains("Ship it."))
    #expect(hover.markdown.contains("**Observations** (1): 1 fact\n- [fact] big"))
    #expect(hover.json["contents"]?["kind"] == "markdown")
}

@Test func hoverOnAnUnresolvedLinkSaysSoAndIsNilOffALink() throws {
    let hover = try #require(try Navigation.hover(in: note, at: cursor(3, 14), encoding: .utf8, queries: vault))
    #expect(hover.markdown == "No note is named **Nowhere** yet.")
    #expect(try Navigation.hover(in: note, at: cursor(0, 2), encoding: .utf8, queries: vault) == nil)
}
