import Testing
@testable import Notes

@Suite struct AliasTests {
    @Test(arguments: [
        ("aliases: [Other Name, Short]", ["Other Name", "Short"]),
        ("aliases:\n  - 'Smith, Jane'\n  - JS", ["Smith, Jane", "JS"]),
        ("aliases: Other Name, Short", ["Other Name", "Short"]),
        ("aliases: '[\"Één\", \"Twee\"]'", ["Één", "Twee"]),
        ("aliases: Solo", ["Solo"]),
        ("aliases: [' padded ', '', ~, short, SHORT]", ["padded", "short"]),
        ("aliases: [[nested], {a: b}, kept]", ["kept"]),
        ("aliases: '#not-a-tag'", ["#not-a-tag"]),
        ("aliases:", []),
    ])
    func aliasFormats(yaml: String, expected: [String]) {
        let note = NoteParser.parse("---\ntitle: Named\n\(yaml)\n---\nbody\n", path: "n.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.aliases == expected)
    }

    @Test func aliasesAreNotMetadataNorTags() {
        let note = NoteParser.parse("---\naliases: [A]\ntags: [t]\nother: x\n---\n", path: "n.md")
        #expect(note.aliases == ["A"])
        #expect(note.tags == ["t"])
        #expect(note.metadata == ["other": "x"])
    }

    @Test func noAliasesWithoutFrontmatterOrWhenItIsMalformed() {
        #expect(NoteParser.parse("aliases: [A]\n", path: "n.md").aliases.isEmpty)
        let broken = NoteParser.parse("---\naliases: [A\n---\n", path: "n.md")
        #expect(broken.frontmatterState == .malformed)
        #expect(broken.aliases.isEmpty)
    }
}
