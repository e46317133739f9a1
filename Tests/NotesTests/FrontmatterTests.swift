import Testing
@testable import Notes

@Suite struct FrontmatterTests {
    @Test func readsKnownKeysAndKeepsOthersAsStrings() {
        let note = NoteParser.parse("""
        ---
        title: Coffee Brewing
        type: guide
        permalink: guides/coffee
        tags: [coffee, "#brewing"]
        rating: 4.5
        draft: true
        created: 2024-05-01
        people: [Ann, Bo]
        ---
        Body text.
        """, path: "guides/Coffee Methods.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.title == "Coffee Brewing")
        #expect(note.type == "guide")
        #expect(note.permalink == "guides/coffee")
        #expect(note.frontmatterPermalink == "guides/coffee")
        #expect(note.tags == ["coffee", "brewing"])
        #expect(note.metadata == ["rating": "4.5", "draft": "True", "created": "2024-05-01", "people": #"["Ann","Bo"]"#])
        #expect(note.bodyStartLine == 10)
        #expect(note.body == "Body text.")
        #expect(note.problems.isEmpty)
    }

    @Test func defaultsComeFromThePath() {
        let note = NoteParser.parse("Just text.\n", path: "folder/My Idea.md")
        #expect(note.frontmatterState == .absent)
        #expect(note.title == "My Idea")
        #expect(note.type == "note")
        #expect(note.permalink == "folder/my-idea")
        #expect(note.frontmatterPermalink == nil)
        #expect(note.bodyStartLine == 0)
        #expect(note.body == "Just text.\n")
    }

    @Test func emptyOrNullTitleFallsBackToStem() {
        #expect(NoteParser.parse("---\ntitle:\n---\n", path: "a/Stem Name.md").title == "Stem Name")
        #expect(NoteParser.parse("---\ntitle: ''\n---\n", path: "Other.md").title == "Other")
        #expect(NoteParser.parse("---\n---\nx", path: "E.md").frontmatterState == .valid)
    }

    @Test func listTitleAndTypeAreJoined() {
        let note = NoteParser.parse("---\ntitle:\n  - First\n  - Second\ntype: [a, b]\n---\n", path: "x.md")
        #expect(note.title == "First, Second")
        #expect(note.type == "a, b")
    }

    @Test(arguments: [
        ("tags: 'alpha, beta, #gamma'", ["alpha", "beta", "gamma"]),
        ("tags: alpha, beta, #a YAML comment", ["alpha", "beta"]),
        ("tags: '[\"one\", \"#two\"]'", ["one", "two"]),
        ("tags:\n  - x\n  - '#y'\n  - 'a,b'", ["x", "y", "a", "b"]),
        ("tags: [solo]", ["solo"]),
        ("tags: '[not json'", ["[not json"]),
        ("tags:", []),
    ])
    func tagFormats(yaml: String, expected: [String]) {
        let note = NoteParser.parse("---\n\(yaml)\n---\n", path: "t.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.tags == expected)
    }

    @Test func leadingBlankLinesBeforeTheFenceAreAllowed() {
        let note = NoteParser.parse("\n\n---\ntitle: Late\n---\nbody", path: "x.md")
        #expect(note.title == "Late")
        #expect(note.bodyStartLine == 5)
        #expect(note.body == "body")
    }

    @Test func fenceMayHaveTrailingSpacesButNothingElse() {
        #expect(NoteParser.parse("--- \ntitle: A\n---\t\n", path: "x.md").title == "A")
        let notAFence = NoteParser.parse("--- x\ntitle: A\n---\n", path: "x.md")
        #expect(notAFence.frontmatterState == .absent)
        #expect(notAFence.title == "x")
    }

    @Test func missingClosingFenceMeansAllBody() {
        let text = "---\ntitle: Never closed\nSome text #idea\n"
        let note = NoteParser.parse(text, path: "open.md")
        #expect(note.frontmatterState == .absent)
        #expect(note.title == "open")
        #expect(note.body == text)
        #expect(note.problems.count == 1)
        #expect(note.problems.first?.span?.line == 0)
        // `---` is a thematic break; the two lines after it are one paragraph, as in Basic Memory.
        #expect(note.observations.map(\.content) == ["title: Never closed\nSome text #idea"])
    }

    @Test func malformedYAMLIsReportedAndTheFileIsReadAsBody() {
        let text = "---\ntitle: Fine\nbroken: [unclosed\nmore: x\n---\n- [idea] still parsed #kept\n"
        let note = NoteParser.parse(text, path: "notes/Broken One.md")
        #expect(note.frontmatterState == .malformed)
        #expect(note.title == "Broken One")
        #expect(note.type == "note")
        #expect(note.permalink == "notes/broken-one")
        #expect(note.body == text)
        #expect(note.bodyStartLine == 0)
        #expect(note.problems.count == 1)
        let span = try! #require(note.problems.first?.span)
        #expect((1...4).contains(span.line))
        #expect(note.observations.map(\.category) == ["idea"])
        #expect(note.observations.first?.span.line == 5)
    }

    @Test func tabIndentationIsMalformed() {
        let note = NoteParser.parse("---\ntitle: A\n\tbad: tab\n---\n", path: "x.md")
        #expect(note.frontmatterState == .malformed)
        #expect(note.problems.first?.span != nil)
    }

    @Test func nonMappingYAMLIsMalformed() {
        let note = NoteParser.parse("---\n- just\n- a list\n---\nbody", path: "list.md")
        #expect(note.frontmatterState == .malformed)
        #expect(note.title == "list")
        #expect(note.problems.first?.span?.line == 0)
    }

    @Test func aDuplicateKeyKeepsTheLastValueAsPyYAMLDoes() {
        let note = NoteParser.parse("---\ntitle: A\ntitle: B\n---\n", path: "dup.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.title == "B")
    }

    @Test func billionLaughsIsRefused() {
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"]
        var previous = "a"
        for name in names {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let note = NoteParser.parse("---\n\(yaml)---\nbody #still", path: "bomb.md")
        #expect(note.frontmatterState == .malformed)
        #expect(note.tags == ["still"])
    }

    @Test func fewAliasesThatExpandTooFarAreRefused() {
        // 12 levels, each doubling: only 24 aliases but 4096 leaves.
        var yaml = "l0: &l0 [x, x]\n"
        for level in 1...12 { yaml += "l\(level): &l\(level) [*l\(level - 1), *l\(level - 1)]\n" }
        yaml += "l13: [*l12, *l12, *l12]\n"
        let note = NoteParser.parse("---\n\(yaml)---\n", path: "bomb.md")
        #expect(note.frontmatterState == .malformed)
    }

    @Test func deepNestingIsRefused() {
        let depth = 2_000
        let yaml = "deep: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let note = NoteParser.parse("---\n\(yaml)\n---\n", path: "deep.md")
        #expect(note.frontmatterState == .malformed)
    }

    @Test func hugeFrontmatterIsRefusedButKeepsItsOneLineTitle() {
        let yaml = "title: Big\nfiller: \"" + String(repeating: "x", count: 70_000) + "\"\n"
        let note = NoteParser.parse("---\n\(yaml)---\n", path: "big.md")
        #expect(note.frontmatterState == .malformed)
        #expect(note.title == "Big")
    }

    @Test func parseSemanticsFalseTurnsOffExtraction() {
        let note = NoteParser.parse("---\nbm_parse_semantics: false\n---\n# Head\n- [a] b #c\n- rel [[X]]\n", path: "x.md")
        #expect(note.observations.isEmpty)
        #expect(note.relations.isEmpty)
        #expect(note.headings.map(\.text) == ["Head"])
        #expect(note.metadata["bm_parse_semantics"] == "False")
    }

    @Test func byteOrderMarkAndNULAreStripped() {
        let note = NoteParser.parse("\u{FEFF}---\ntitle: T\u{0}x\n---\n- [a] b\u{0}c\n", path: "x.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.title == "Tx")
        #expect(note.observations.first?.content == "bc")
        #expect(note.body == "- [a] bc\n")
    }

    @Test func crlfFrontmatter() {
        let note = NoteParser.parse("---\r\ntitle: Windows\r\ntags: [a]\r\n---\r\n# H\r\n", path: "w.md")
        #expect(note.frontmatterState == .valid)
        #expect(note.title == "Windows")
        #expect(note.bodyStartLine == 4)
        #expect(note.body == "# H\r\n")
        #expect(note.headings.first?.span == TextSpan(line: 4, utf8: 0..<3, utf16: 0..<3))
    }
}
