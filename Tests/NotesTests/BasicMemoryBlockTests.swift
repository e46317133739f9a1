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
