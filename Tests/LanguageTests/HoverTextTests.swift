@testable import Language
import Testing

@Test func clippedKeepsShortTextAndMarksCutText() {
    #expect(HoverText.clipped("short", to: 10) == "short")
    #expect(HoverText.clipped("abcdefghij", to: 4) == "abcd…")
}

@Test func escapedBackslashesMarkdownSyntax() {
    #expect(HoverText.escaped("a*b_[c]") == "a\\*b\\_\\[c\\]")
}

@Test func firstLinesSkipTheTitleAndListsAndStopAtTheNextSection() {
    let body = "# Title\n\nFirst line.\n- [fact] not prose\nSecond line.\n\n## Next\nNot shown."
    #expect(HoverText.firstLines(of: body, title: "Title") == ["First line.", "Second line."])
}
