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
