import JSON
@testable import Language
import Notes
import Testing

/// A note with one wiki link whose text has a non-ASCII character before it.
private let note = NoteSnapshot(path: "a.md", uri: "file:///n/a.md",
                                text: "# A\n\n- relates_to [[Bé | shown]]\n", openVersion: nil)

@Test func writtenTargetIsTheTrimmedTextBeforeThePipe() {
    let bytes = Array("[[ Target | label ]]".utf8)
    let target = NoteSnapshot.writtenTarget(in: bytes, span: 0..<bytes.count)
    #expect(target.map { String(decoding: bytes[$0], as: UTF8.self) } == "Target")
}

@Test func writtenTargetIsNilForAMarkdownLink() {
    let bytes = Array("[label](other.md)".utf8)
    #expect(NoteSnapshot.writtenTarget(in: bytes, span: 0..<bytes.count) == nil)
}

@Test func relationUnderTheCursorIsFoundByByteColumn() throws {
    let relation = try #require(note.relation(at: Cursor(line: 2, byte: 16)))
    #expect(relation.target == "Bé")
    #expect(note.relation(at: Cursor(line: 2, byte: 1)) == nil)
}

@Test func charactersCountInTheNegotiatedEncoding() {
    // "- relates_to [[Bé" is 18 bytes and 17 UTF-16 units: é is two bytes, one unit.
    #expect(note.character(line: 2, byteColumn: 18, encoding: .utf8) == 18)
    #expect(note.character(line: 2, byteColumn: 18, encoding: .utf16) == 17)
}

@Test func rangeOnOneLineUsesEncodedColumns() {
    let range = note.range(line: 2, bytes: 13..<18, encoding: .utf16)
    #expect(range == ["start": ["line": 2, "character": 13], "end": ["line": 2, "character": 17]])
}
