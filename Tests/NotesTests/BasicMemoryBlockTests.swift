import Testing
@testable import Notes

/// Each kind of difference from Basic Memory found by the differential test (issue 19), with a
/// minimal input and Basic Memory 0.24.1's answer.
@Suite struct BasicMemoryBlockTests {
    private func parse(_ body: String, path: String = "n.md") -> ParsedNote {
        NoteParser.parse(body, path: path)
    }

    @Test func aWrappedParagraphListItemOrTableIsOneObservation() {
        #expect(parse("A\nB #t\n").observations.map(\.content) == ["A\nB #t"])
        #expect(parse("- item that\n  wraps #w\n").observations.map(\.content) == ["item that\nwraps #w"])
        #expect(parse("| a | b |\n| - | - |\n| c | d #x |\n").observations.map(\.tags) == [["x"]])
        // With a [category], Basic Memory keeps only the first line's text.
        #expect(parse("- [idea] first line\n  second #lost\n").observations.map(\.content) == ["first line"])
    }

    @Test func aWrappedObservationsSpanIsItsFirstLine() {
        let note = parse("x\n\nfirst line\nsecond #t\n")
        #expect(note.observations[0].span.line == 2)
        #expect(note.tagOccurrences.first?.span.line == 3)
    }

    @Test func aLoneHashIsAnEmptyTag() {
        #expect(parse("- Issue # 5\n").observations.map(\.tags) == [[""]])
        #expect(parse("- Issue # 5\n").tags.isEmpty)
    }

    @Test func markdownLinksToAnyLocalFileAndReferenceLinks() {
        let note = parse("""
        - [l](LICENSE) and [p](tools/a.py)
        - [g][r], [c][] and [s]
        - [across
          lines](w.md) and [nested [b]](n2.md)

        [r]: guide.md
        [c]: c.md
        [s]: <s s.md>
        """, path: "dir/n.md")
        #expect(Set(note.relations.map(\.target)) == ["dir/LICENSE", "dir/tools/a.py", "dir/guide.md", "dir/c.md", "dir/s s.md",
                                                      "dir/w.md", "dir/n2.md"])
        #expect(note.relations.allSatisfy { $0.type == "links_to" && $0.isMarkdownLink })
        #expect(parse("[the text](a]b.md)\n").relations.map(\.alias) == ["the text"])
    }

    @Test func nothingIsReadInHTMLBlocksCommentsOrIndentedCode() {
        let note = parse("""
        <div>
        - [fact] hidden #h [[H]]
        </div>

        <!--
        [[C]] #c
        -->

            - [fact] code #code [[Code]]

        after #a
        """)
        #expect(note.observations.map(\.content) == ["after #a"])
        #expect(note.relations.isEmpty)
    }

    @Test func aQuotesLazyLineBelongsToTheQuote() {
        let note = parse("> quoted #q\nlazy [[L]] #lazy\n")
        #expect(note.observations.isEmpty)
        #expect(note.relations.map(\.target) == ["L"])
    }

    @Test func aRelationWithALazyLineIsProse() {
        let note = parse("- relates_to [[T]]\nlazy tail\n")
        #expect(note.relations.map(\.type) == ["links_to"])
    }

    @Test func anItemsSecondParagraphIsStillInTheItem() {
        let note = parse("- first\n\n  depends_on [[D]]\n")
        #expect(note.relations.map(\.type) == ["depends_on"])
    }

    @Test func siblingItemsWithAnyNumberEndTheParagraph() {
        let note = parse("4. one #a\n5. two #b\n")
        #expect(note.observations.map(\.content) == ["one #a", "two #b"])
    }

    @Test func escapesAndOddForms() {
        #expect(parse("- \\\\[[T]]\n").relations.map(\.target) == ["T"])
        #expect(parse("- \\[[T]]\n").relations.map(\.target) == ["T"])
        #expect(parse("x \\[[T]]\n").relations.isEmpty)
        #expect(parse("- \" [[T]]\n").relations.map(\.type) == ["links_to"])
        let directive = parse("- r [[T]] #bm:links_to\n")
        #expect(directive.relations.map(\.type) == ["links_to"])
        #expect(directive.observations.isEmpty)
    }

    @Test func setextHeadingsAreHeadingsAndTheirTextIsRead() {
        let note = parse("Title #t\n===\n")
        #expect(note.headings.map(\.level) == [1])
        #expect(note.observations.map(\.content) == ["Title #t"])
    }

    @Test func aLinkWithALineBreakInsideIsNotALink() {
        #expect(parse("see [[A\nB]] here\n").relations.isEmpty)
    }
}

/// Whole blocks are read at once now, so inputs that would make a naive scanner quadratic must
/// still parse quickly (the 2 MB structure limit bounds them).
@Suite struct BlockScanningCostTests {
    @Test(arguments: [
        String(repeating: "` `` ``` ", count: 60_000),
        String(repeating: "[a](b \"", count: 60_000),
        String(repeating: "[", count: 200_000) + String(repeating: "[a](b.md)", count: 20_000),
        String(repeating: "<a '", count: 100_000),
        String(repeating: "word #t\n", count: 100_000),
        String(repeating: "[[", count: 100_000),
        String(repeating: "[r]: x\n", count: 50_000),
    ])
    func pathologicalParagraphsParseQuickly(text: String) {
        let clock = ContinuousClock()
        let started = clock.now
        _ = NoteParser.parse(text, path: "slow.md")
        // Generous for sanitizer builds and a loaded machine; quadratic would take minutes.
        #expect(clock.now - started < .seconds(20))
    }
}
