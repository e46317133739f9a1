import Testing
@testable import Notes

@Suite struct ObservationTests {
    private func observations(_ body: String) -> [Observation] {
        NoteParser.parse(body, path: "n.md").observations
    }

    @Test func categoryContentTagsAndContext() {
        let found = observations("- [design] Keep it small #simple #fast (from the kickoff)\n")
        #expect(found.count == 1)
        let observation = found[0]
        #expect(observation.category == "design")
        #expect(observation.content == "Keep it small #simple #fast")
        #expect(observation.tags == ["simple", "fast"])
        #expect(observation.context == "from the kickoff")
        #expect(observation.span == TextSpan(line: 0, utf8: 2..<57, utf16: 2..<57))
    }

    @Test func multiWordAndUnicodeCategories() {
        #expect(observations("- [open question] Why?").first?.category == "open question")
        #expect(observations("* [中文] 测试内容").first?.category == "中文")
        #expect(observations("1. [step] numbered item").first?.category == "step")
    }

    @Test func contextIsTheLastParenthesisedPart() {
        let observation = observations("- [a] text (one) more (two)")[0]
        #expect(observation.content == "text (one) more")
        #expect(observation.context == "two")
        #expect(observations("- [a] Content (unclosed")[0].context == nil)
        #expect(observations("- [a] Content (unclosed")[0].content == "Content (unclosed")
    }

    @Test func joinedTagsSplit() {
        let observation = observations("- [x1] a #one#two b")[0]
        #expect(observation.tags == ["one", "two"])
        #expect(observation.content == "a #one#two b")
    }

    @Test func tagWordsWithoutCategoryBecomeNoteObservations() {
        let found = observations("""
        A plain paragraph about #coffee and more.

        - list item with #tag
        - list item without tags
        plain line without tags
        """)
        #expect(found.map(\.category) == ["note", "note"])
        #expect(found.map(\.content) == ["A plain paragraph about #coffee and more.", "list item with #tag"])
        #expect(found[1].span.line == 2)
    }

    @Test(arguments: [
        "- [ ] open task #work", "- [x] done task", "- [X] done task", "- [-] cancelled", "- [/] in progress",
        "- [>] deferred", "- [?] question", "- [00:01:02] Speaker: hello", "- [1:02.500] Speaker: hi",
        "- [00:01 - 00:02] range", "- [link](https://example.com)", "- [[Whole Line Link]]",
        "- [a](b) and [c](d)", "- [] empty category and no tags", "- [cat]no space", "- plain words",
        "- color=\"#4285F4\" attribute", "- [cat] ",
    ])
    func notObservations(line: String) {
        #expect(observations(line).isEmpty, "\(line)")
    }

    @Test func timestampLineWithTagKeepsTimeInContent() {
        let observation = observations("[00:00:11] Speaker: we agreed #meeting")[0]
        #expect(observation.category == "note")
        #expect(observation.content == "[00:00:11] Speaker: we agreed #meeting")
        #expect(observation.tags == ["meeting"])
    }

    @Test func singleLetterAndNumericCategoriesStillCount() {
        #expect(observations("- [a] short")[0].category == "a")
        #expect(observations("- [2024] year")[0].category == "2024")
        #expect(observations("- [12:3] not a clock")[0].category == "12:3")
    }

    @Test func emptyBracketsWithTagsDropTheBrackets() {
        let observation = observations("- [] Empty category #t")[0]
        #expect(observation.category == "note")
        #expect(observation.content == "Empty category #t")
    }

    @Test func notInFencedCodeIndentedCodeOrBlockquotes() {
        let found = observations("""
        ```swift
        - [code] not this #nope
        ```
        ~~~~
        #nope
        ~~~~

            - [indented] code block #nope

        > - [quoted] callout #nope
        > [!info] #nope

        - [real] yes #yes
        """)
        #expect(found.map(\.category) == ["real"])
    }

    /// Basic Memory splits the raw text on whitespace: a word starting with `#` inside a code span
    /// is a tag too, a word starting with a backtick is not.
    @Test func tagsInsideCodeSpansCountAsBasicMemoryReadsThem() {
        #expect(observations("Use `#define` here").isEmpty)
        #expect(observations("Use ` #define ` and #real")[0].tags == ["define", "real"])
        #expect(observations("- Use `x #y` for it")[0].tags == ["y`"])
    }

    @Test func nestedListItemsAreRead() {
        let found = observations("- [outer] one\n  - [inner] two\n    - [deeper] three\n")
        #expect(found.map(\.category) == ["outer", "inner", "deeper"])
        #expect(found[2].span.utf8 == 6..<20)
    }

    @Test func headingsWithTagsAreObservationsToo() {
        let note = NoteParser.parse("## Weekly sync #meeting\n#notaheading\n", path: "n.md")
        #expect(note.headings.map(\.text) == ["Weekly sync #meeting"])
        #expect(note.observations.map(\.content) == ["Weekly sync #meeting", "#notaheading"])
        #expect(note.tags == ["meeting", "notaheading"])
    }

    @Test func tagOccurrencesHaveSpansIncludingHash() {
        let note = NoteParser.parse("x\n- [a] é #one then #two#three\n", path: "n.md")
        #expect(note.tagOccurrences.map(\.name) == ["one", "two", "three"])
        #expect(note.tagOccurrences[0].span == TextSpan(line: 1, utf8: 9..<13, utf16: 8..<12))
        #expect(note.tagOccurrences[2].span == TextSpan(line: 1, utf8: 23..<29, utf16: 22..<28))
    }

    @Test func tagsAreUniqueAcrossFrontmatterAndBody() {
        let note = NoteParser.parse("---\ntags: [a, b]\n---\n#b #c\n- x #a #d\n", path: "n.md")
        #expect(note.tags == ["a", "b", "c", "d"])
    }
}
