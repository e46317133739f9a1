import Testing
@testable import Notes

@Suite struct StructureTests {
    @Test func atxHeadings() {
        let note = NoteParser.parse("""
        # Title
        text
        ###### Six ###
        ####### seven is not a heading
        #NoSpace
        ## Closing hashes ##
        ```
        # inside code
        ```
        """, path: "h.md")
        #expect(note.headings.map(\.level) == [1, 6, 2])
        #expect(note.headings.map(\.text) == ["Title", "Six", "Closing hashes"])
        #expect(note.headings[1].span == TextSpan(line: 2, utf8: 0..<14, utf16: 0..<14))
    }

    @Test func linesCountFromTheTopOfTheFile() {
        let note = NoteParser.parse("---\ntitle: T\n---\n\n# After\n- [c] obs\n", path: "x.md")
        #expect(note.bodyStartLine == 3)
        #expect(note.headings.first?.span.line == 4)
        #expect(note.observations.first?.span.line == 5)
    }

    @Test func crlfSpansExcludeCarriageReturn() {
        let note = NoteParser.parse("# One\r\n- [a] b #t\r\n- rel [[X]]\r\n", path: "x.md")
        #expect(note.headings[0].span == TextSpan(line: 0, utf8: 0..<5, utf16: 0..<5))
        #expect(note.observations[0].content == "b #t")
        #expect(note.observations[0].span == TextSpan(line: 1, utf8: 2..<10, utf16: 2..<10))
        #expect(note.relations[0].span == TextSpan(line: 2, utf8: 6..<11, utf16: 6..<11))
        #expect(note.relations[0].target == "X")
    }

    @Test func loneCarriageReturnsEndLines() {
        let note = NoteParser.parse("# A\r# B\r", path: "x.md")
        #expect(note.headings.map(\.span.line) == [0, 1])
    }

    @Test func utf16AndUTF8ColumnsDifferForEmojiAndCJK() {
        let note = NoteParser.parse("😀 中文 [[Target]]\n", path: "x.md")
        // 😀 is 4 bytes / 2 UTF-16 units, each CJK character 3 bytes / 1 unit.
        #expect(note.relations[0].span == TextSpan(line: 0, utf8: 12..<22, utf16: 6..<16))
    }

    @Test func brokenInputNeverFails() {
        let junk = String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }, as: UTF8.self)
        for text in [junk, "", "\n", "---", "---\n", "[[", "- [", "`", "```", "#", "- [a]", "](", "[x](", "\u{0}\u{0}"] {
            let note = NoteParser.parse(text, path: "dir/junk.bin")
            #expect(note.title == "junk")
        }
    }

    @Test func hugeFilesAreOnlyPartlyStructured() {
        let line = "- [item] entry #tag [[Link]]\n"
        let text = String(repeating: line, count: 25_000)
        let note = NoteParser.parse(text, path: "big.md")
        #expect(note.observations.count == NoteParser.maxStructuredLines)
        #expect(note.relations.count == NoteParser.maxStructuredLines)
        #expect(note.body.utf8.count == text.utf8.count)
        #expect(note.problems.count == 1)
        #expect(note.problems.first?.span?.line == NoteParser.maxStructuredLines)
    }

    @Test func longLinesAreCappedByBytes() {
        let text = String(repeating: "word #t ", count: 400_000) + "\nlast #late\n"
        let note = NoteParser.parse(text, path: "wide.md")
        #expect(note.problems.count == 1)
        #expect(!note.tags.contains("late"))
    }

    @Test func parsesAThousandGeneratedNotes() {
        for index in 0..<1_000 {
            let note = NoteParser.parse(SampleNotes.note(index), path: "gen/Note \(index).md")
            #expect(note.frontmatterState == .valid)
            #expect(note.title == "Generated \(index)")
            #expect(note.permalink == "gen/note-\(index)")
            #expect(note.observations.count == 6)
            #expect(note.relations.map(\.type) == ["links_to", "relates_to", "links_to"])
            #expect(note.relations.map(\.target) == ["Note \(index + 2)", "Note \(index + 1)", "Espresso"])
            #expect(note.headings.count == 3)
            #expect(note.tags == ["generated", "bucket\(index % 7)", "idea"])
            #expect(note.problems.isEmpty)
        }
    }
}

/// Realistic notes of about 1.3 KB for the bulk test and timing.
enum SampleNotes {
    static func note(_ index: Int) -> String {
        """
        ---
        title: Generated \(index)
        type: note
        tags: [generated, bucket\(index % 7)]
        created: 2024-06-0\(index % 9 + 1)
        ---

        # Generated \(index)

        This note was written by a generator so the parser has something realistic to chew on.
        It mentions [[Note \(index + 2)]] in passing, along with some ordinary prose that goes on
        for a while, because real notes have paragraphs that are longer than a single line of text.

        ## Observations

        - [fact] Item \(index) belongs to bucket \(index % 7) #idea
        - [method] Brew with water at 94 °C for four minutes (house rule)
        - [question] Does the grind size matter more than the ratio?
        - [decision] We keep the French press for weekends
        - [tip] Rinse the filter first — it removes the papery taste
        - [risk] Over-extraction makes the cup bitter (see the chart)

        ## Relations

        - relates_to [[Note \(index + 1)]]
        - Compared this with [[Espresso]] last week and liked it less

        ```
        - [not] inside a code block #ignored [[Nope]]
        ```

        A closing paragraph with `inline code` and a final thought, and nothing else of note here.
        Some notes run longer than others; this one adds a second closing paragraph so that the
        sample lands near the size of a typical note, around thirteen hundred bytes in all, which
        is what the timing figures quoted in the report refer to.
        """
    }
}
