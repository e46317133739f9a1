@testable import Language
import LSP
import Notes
import Testing

private let text = """
# Top

- [fact] one #a
- [idea] two

## Child

- relates_to [[Other]]

# Second
"""

private func outline() -> Outline {
    Outline(note: NoteSnapshot(path: "n.md", uri: "file:///n/n.md", text: text, openVersion: nil), encoding: .utf16)
}

@Test func headingsNestByLevel() {
    let roots = outline().roots
    #expect(roots.map(\.name) == ["Top", "Second"])
    #expect(roots[0].children.map(\.name) == ["Observations", "Child"])
    #expect(roots[0].kind == Outline.headingKind)
}

@Test func observationsAreGroupedUnderTheirHeading() throws {
    let group = try #require(outline().roots.first?.children.first)
    #expect(group.kind == Outline.groupKind)
    #expect(group.detail == "2")
    #expect(group.children.map(\.name) == ["[fact] one #a", "[idea] two"])
    #expect(group.children.first?.detail == "#a")
}

@Test func relationsAreGroupedUnderTheSubheading() throws {
    let child = try #require(outline().roots.first?.children.last)
    #expect(child.detail == "##")
    #expect(child.children.map(\.name) == ["Relations"])
    #expect(child.children.first?.children.first?.name == "relates_to [[Other]]")
}

@Test func headingRangeRunsToTheLineBeforeTheNextPeer() {
    let top = outline().roots[0]
    #expect(top.range.start == Position(line: 0, character: 0))
    #expect(top.range.end.line == 8)
}

@Test func flatInformationNamesTheContainer() {
    let flat = outline().roots.flatMap { $0.information(uri: "file:///n/n.md") }
    let child = flat.first { $0.name == "Child" }
    #expect(child?.containerName == "Top")
    #expect(child?.location.uri == "file:///n/n.md")
}
