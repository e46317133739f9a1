import JSON
@testable import Language
import LSP
import Testing

@Test func unresolvedLinksAreWarnedWithTheTargetInData() throws {
    // "😀 [[Nowhere]]": the link is bytes 5..<16, UTF-16 units 3..<14.
    let note = snapshot("# A\n\n😀 [[Nowhere]] and [[Project]]\n")
    let vault = FakeNoteQueries(notes: [project])
    let utf16 = try NoteDiagnostics.links(note, encoding: .utf16, queries: vault)
    #expect(utf16.count == 1)
    #expect(utf16.first?.code == "unresolved-link")
    #expect(utf16.first?.range == LSPRange(line: 2, start: 3, end: 14))
    #expect(utf16.first?.data == ["target": "Nowhere"])
    #expect(utf16.first?.json["source"] == "notebridge")
    #expect(try NoteDiagnostics.links(note, encoding: .utf8, queries: vault).first?.range == LSPRange(line: 2, start: 5, end: 16))
}

@Test func aSharedPermalinkIsWarnedOnThePermalinkLine() throws {
    let note = snapshot("---\ntitle: A\npermalink: shared\n---\n\n# A\n", path: "a.md")
    let vault = FakeNoteQueries(permalinkHolders: ["shared": ["a.md", "b.md"]])
    let found = try NoteDiagnostics.links(note, encoding: .utf16, queries: vault)
    #expect(found.map(\.code) == ["duplicate-permalink"])
    #expect(found.first?.range == LSPRange(line: 2, start: 0, end: 17))
    #expect(found.first?.message.contains("b.md") == true)
    #expect(try NoteDiagnostics.links(snapshot("# A\n", path: "a.md"), encoding: .utf16, queries: vault).isEmpty)
}

@Test func parseProblemsAreWarningsAtTheirPlace() {
    let found = NoteDiagnostics.parse(snapshot("---\ntitle: A\n# body\n"), encoding: .utf16)
    #expect(found.map(\.code) == ["parse"])
    #expect(found.first?.severity == .warning)
    #expect(found.first?.range == LSPRange(line: 0, start: 0, end: 3))
    #expect(NoteDiagnostics.parse(snapshot("---\ntitle: A\n---\n# A\n"), encoding: .utf16).isEmpty)
}

@Test func markdownLinksToFilesThatAreNotNotesAreNeverUnresolved() throws {
    let note = snapshot("# A\n\nSee [the licence](LICENSE), [code](tools/a.py) and [a note](missing.md).\n")
    let found = try NoteDiagnostics.links(note, encoding: .utf16, queries: FakeNoteQueries(notes: [project]))
    #expect(found.map(\.code) == ["unresolved-link"])
    #expect(found.first?.data == ["target": "missing.md"])
}
