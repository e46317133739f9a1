import Testing
@testable import Notes

@Suite struct RelationTests {
    private func relations(_ body: String, path: String = "n.md") -> [Relation] {
        NoteParser.parse(body, path: path).relations
    }

    @Test func explicitRelation() {
        let found = relations("- implements [[Search Design]]")
        #expect(found.count == 1)
        #expect(found[0].type == "implements")
        #expect(found[0].target == "Search Design")
        #expect(found[0].context == nil)
        #expect(found[0].isInline == false)
        #expect(found[0].span == TextSpan(line: 0, utf8: 13..<30, utf16: 13..<30))
    }

    @Test func explicitRelationWithContext() {
        let found = relations("- depends_on [[Database]] (for storage (mostly))")
        #expect(found.map(\.type) == ["depends_on"])
        #expect(found[0].context == "for storage (mostly)")
        #expect(relations("- type [[T]] ()")[0].context == nil)
    }

    @Test func quotedMultiWordType() {
        #expect(relations("- \"is part of\" [[Project]]")[0].type == "is part of")
        #expect(relations("- 'reports to' [[Boss]] (since May)")[0].type == "reports to")
    }

    @Test(arguments: [
        "- Added [[Target]] to the roster", "- some other thing [[Target]]",
        "- type [[Target]] (unclosed", "- type [[Target]] (ctx) and more", "- \"quoted type\" [[Target]] trailing",
        "- [[Target]]", "Prose mentioning [[Target]] here.", "# Heading [[Target]]",
    ])
    func proseMakesLinksTo(line: String) {
        let found = relations(line)
        #expect(found.count == 1, "\(line)")
        #expect(found.first?.type == "links_to")
        #expect(found.first?.target == "Target")
        #expect(found.first?.isInline == true)
    }

    @Test func proseTailKeepsEveryLink() {
        let found = relations("- type [[A]] (primary) and [[B]] (secondary)")
        #expect(found.map(\.target) == ["A", "B"])
        #expect(found.allSatisfy { $0.type == "links_to" })
    }

    @Test func explicitOnlyInListItems() {
        #expect(relations("implements [[X]]")[0].type == "links_to")
        #expect(relations("+ implements [[X]]")[0].type == "implements")
        #expect(relations("2) implements [[X]]")[0].type == "implements")
    }

    @Test func aliasAndProjectReference() {
        let aliased = relations("See [[Real Target|shown text]].")[0]
        #expect(aliased.target == "Real Target")
        #expect(aliased.alias == "shown text")
        #expect(relations("- uses [[other::notes/Thing]]")[0].target == "other/notes/Thing")
        #expect(relations("x [[proj::/lead]]")[0].target == "proj/lead")
    }

    @Test func emptyAndUnclosedLinksAreIgnored() {
        #expect(relations("- type [[]]").isEmpty)
        #expect(relations("- type [[   ]]").isEmpty)
        #expect(relations("- type [[Target").isEmpty)
        #expect(relations("- type ]]Target[[").isEmpty)
    }

    @Test func nestedBracketsKeepTheOutermostLink() {
        let found = relations("- type [[Outer [[Inner]] ]]")
        #expect(found.map(\.target) == ["Outer [[Inner]]"])
        #expect(found[0].type == "links_to")
    }

    @Test func skippedInCodeAndWhenEscaped() {
        let found = relations("""
        Inline `[[Code]]` and ``[[More Code]]`` and \\[[Escaped]] but [[Real]].
        ```
        [[Fenced]]
        ```
        """)
        #expect(found.map(\.target) == ["Real"])
    }

    @Test func linksInBlockquotesStillCount() {
        #expect(relations("> quoting [[Someone]]").map(\.target) == ["Someone"])
    }

    @Test func severalLinksOnALineInOrder() {
        let found = relations("[[One]] then [md](two.md) and [[Three]]")
        #expect(found.map(\.target) == ["One", "two.md", "Three"])
    }

    @Test func markdownLinksToLocalNotes() {
        let found = relations("""
        See [the plan](plan.md), [up](../shared/Other%20Note.md#part), [root](/top.md), \
        [site](https://example.com/x.md), [img](pic.png), ![image](embedded.md), [anchor](#x)
        """, path: "projects/alpha/readme.md")
        // Any local file counts, as in Basic Memory; images, URLs and anchors do not.
        #expect(found.map(\.target) == ["projects/alpha/plan.md", "projects/shared/Other Note.md", "top.md", "projects/alpha/pic.png"])
        #expect(found[0].alias == "the plan")
        #expect(found.allSatisfy { $0.type == "links_to" && $0.isInline })
        #expect(found[0].span.utf8 == 4..<23)
    }

    @Test func markdownLinkEscapingTheRootIsIgnored() {
        #expect(relations("[x](../../out.md)", path: "a/n.md").isEmpty)
    }

    @Test func observationLineWithLinkGivesBoth() {
        let note = NoteParser.parse("- [tech] uses [[SQLite]] #db", path: "n.md")
        #expect(note.observations.map(\.category) == ["tech"])
        #expect(note.relations.map(\.type) == ["links_to"])
        #expect(note.relations.map(\.target) == ["SQLite"])
    }
}
