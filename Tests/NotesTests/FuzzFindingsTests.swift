import Testing
import Notes

/// Inputs the fuzzer (Fuzz/Targets/note.swift) found to break the parser, kept as regressions.
@Suite struct FuzzFindingsTests {
    /// A block-quote marker as the very last byte of a note made the scanner read one byte past
    /// the text (a trap in debug builds, an out-of-bounds read in release builds).
    @Test(arguments: ["hello\n>", ">", "> >", "- item\n>>", "text\r\n> \t>"])
    func quoteMarkerAtTheEndOfTheText(text: String) {
        let note = NoteParser.parse(text, path: "quote.md")
        #expect(note.observations.isEmpty && note.headings.isEmpty)
        #expect(note.body == text)
    }
}

/// Frontmatter built to exhaust the parser: expansion by aliases, deep nesting, sheer size.
@Suite struct FrontmatterBombTests {
    static let bombs: [String: String] = [
        "billion laughs": "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            + (1..<9).map { "\(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + $0)!))", count: 9).joined(separator: ",") + "]" }.joined(separator: "\n")
            + "\ntitle: *i\n",
        "flow nesting 30,000 deep": "title: " + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000) + "\n",
        "mapping nesting 10,000 deep": "title: " + String(repeating: "{a: ", count: 10_000) + "b" + String(repeating: "}", count: 10_000) + "\n",
        "block nesting 1,000 deep": (0..<1_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " v\n",
        "a megabyte of frontmatter": "title: x\nbody: " + String(repeating: "y", count: 1 << 20) + "\n",
    ]

    @Test(arguments: bombs.keys.sorted())
    func aHostileFrontmatterIsRefusedQuickly(name: String) {
        let text = "---\n" + Self.bombs[name]! + "---\n# Still read\n- [fact] body survives\n"
        let clock = ContinuousClock()
        let started = clock.now
        let note = NoteParser.parse(text, path: "bomb.md")
        // Generous for sanitizer builds (10x slower); an exponential blow-up would take hours.
        #expect(clock.now - started < .seconds(10))
        #expect(note.observations.map(\.content) == ["body survives"] || note.frontmatterState == .malformed)
        #expect(note.body.hasSuffix("- [fact] body survives\n"))
    }
}
