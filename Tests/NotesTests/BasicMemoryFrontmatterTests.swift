import Testing
@testable import Notes

/// Frontmatter read as Basic Memory 0.24.1 reads it (PyYAML, then `normalize_frontmatter_value`).
@Suite struct BasicMemoryFrontmatterTests {
    private func parse(_ yaml: String, body: String = "") -> ParsedNote {
        NoteParser.parse("---\n" + yaml + "---\n" + body, path: "dir/Stem.md")
    }

    @Test(arguments: [
        ("yes", "True"), ("Off", "False"), ("1.50", "1.5"), ("0x1F", "31"), ("007", "7"), ("10:30", "630"),
        ("2024-01-15", "2024-01-15"), ("2024-01-15 10:30:00", "2024-01-15T10:30:00"),
        ("2024-01-15T10:30:00Z", "2024-01-15T10:30:00+00:00"), ("2024-1-5 9:05:00.5 +2", "2024-01-05T09:05:00.500000+02:00"),
        ("'yes'", "yes"), ("\"007\"", "007"), ("08", "08"), ("1e5", "1e5"), ("-.inf", "-inf"), ("1_000", "1000"),
    ])
    func plainScalarsAreNormalisedQuotedOnesKept(yaml: String, expected: String) {
        #expect(parse("title: \(yaml)\n").title == expected)
    }

    @Test func tagsAndTypeAreNormalisedToo() {
        let note = parse("type: 1.50\ntags: [on, 0x1F, 007]\n")
        #expect(note.type == "1.5")
        #expect(note.frontmatterTags == ["True", "31", "7"])
    }

    @Test func aPermalinkThatIsNotTextIsIgnored() {
        #expect(parse("permalink: [a, b]\n").permalink == "dir/stem")
        #expect(parse("permalink: 2024\n").permalink == "2024")
    }

    @Test func aRepeatedKeyKeepsItsLastValue() {
        let note = parse("title: First\ntags: [one]\ntitle: Second\npermalink: dup/keys\n")
        #expect(note.frontmatterState == .valid)
        #expect(note.title == "Second")
        #expect(note.frontmatterTags == ["one"])
        #expect(note.permalink == "dup/keys")
    }

    @Test func aRepeatedKeyInsideANestedMappingIsStillMalformed() {
        #expect(parse("meta:\n  a: 1\n  a: 2\ntitle: T\n").frontmatterState == .malformed)
    }

    @Test(arguments: [("false", false), ("no", false), ("Off", false), ("\"false\"", false), ("\"no\"", true), ("0", true)])
    func semanticsAreOffForYAMLFalseOrTheTextFalse(value: String, parsed: Bool) {
        #expect(!parse("bm_parse_semantics: \(value)\n", body: "- [a] b\n").observations.isEmpty == parsed)
    }

    @Test func anEmptyTypeStaysEmpty() {
        #expect(parse("type: ''\n").type == "")
        #expect(parse("type:\n").type == "note")
    }

    @Test func frontmatterOverTheSizeLimitKeepsItsTitlePermalinkAndTags() {
        let filler = "notes: |\n" + String(repeating: "  filler line of text\n", count: 4_000)
        let note = parse("title: \"Big One\"\npermalink: big/one\ntags: [x, '#y']\ntype: spec\n" + filler,
                         body: "- [fact] body read #b\n")
        #expect(note.frontmatterState == .malformed)
        #expect(note.title == "Big One")
        #expect(note.permalink == "big/one")
        #expect(note.frontmatterTags == ["x", "y"])
        #expect(note.type == "spec")
        #expect(note.observations.map(\.content) == ["body read #b"])
        #expect(note.problems.count == 1)
    }

    @Test func temporalQualifiersInISOFormArePeeled() {
        let note = NoteParser.parse("""
        - [d] @2026-07-27 Use Redis
        - [d] @effective:2026-07-27T10:30:00Z Deploy
        - [d] @valid[2026-06-10,2026-07-27) Window
        - [d] @unknown:2026-07-27 Kept
        - [d] @12 Kept too
        - [d] @2026-07-27
        """, path: "t.md")
        #expect(note.observations.map(\.content) == ["Use Redis", "Deploy", "Window", "@unknown:2026-07-27 Kept",
                                                     "@12 Kept too", "@2026-07-27"])
    }
}
