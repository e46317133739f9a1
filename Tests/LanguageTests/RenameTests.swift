@testable import Language
import LSP
import Notes
import Testing

// Renaming the note "Project" (work/project.md, permalink work/project) to "Big Plan".
private func renamePlan(permalinkFollowsPath: Bool = true, encoding: PositionEncoding = .utf16) -> RenamePlan {
    RenamePlan(old: project, newTitle: "Big Plan", newPath: "work/Big Plan.md", permalinkFollowsPath: permalinkFollowsPath,
               encoding: encoding, queries: FakeNoteQueries(notes: [project]))
}

private func edited(_ text: String, _ edits: [LSPTextEdit], _ encoding: PositionEncoding = .utf16) -> String {
    TextEdits.applying(edits, to: text, encoding: encoding)
}

@Test func linksAreRewrittenInTheFormTheyWereWrittenIn() {
    let text = "- a [[Project]]\n- b [[work/project.md]]\n- c [[project]]\n- d [[memory://work/project|the plan]]\n- e [[Other]]\n"
    let edits = renamePlan().linkEdits(in: text, source: "today.md", stored: nil)
    #expect(edited(text, edits)
        == "- a [[Big Plan]]\n- b [[work/Big Plan.md]]\n- c [[Big Plan]]\n- d [[memory://work/big-plan|the plan]]\n- e [[Other]]\n")
}

@Test func aPermalinkFromTheFrontmatterStaysAsItIs() {
    let text = "[[memory://work/project]] and [[Project]]\n"
    let edits = renamePlan(permalinkFollowsPath: false).linkEdits(in: text, source: "today.md", stored: nil)
    #expect(edited(text, edits) == "[[memory://work/project]] and [[Big Plan]]\n")
}

@Test func storedSpansAreUsedWhileTheyStillHoldALinkToTheNote() {
    // The index knows only the first link; it is still there, so the second (unsaved) one is left alone.
    let text = "[[Project]] then [[Project]]\n"
    let stored = [TextSpan(line: 0, utf8: 0..<11, utf16: 0..<11)]
    #expect(edited(text, renamePlan().linkEdits(in: text, source: "today.md", stored: stored)) == "[[Big Plan]] then [[Project]]\n")
}

@Test func staleStoredSpansFallBackToParsingTheTextNow() {
    // The file changed since it was indexed: the stored span points at other text.
    let text = "new line first\n[[Project]]\n"
    let stored = [TextSpan(line: 0, utf8: 0..<11, utf16: 0..<11)]
    #expect(edited(text, renamePlan().linkEdits(in: text, source: "today.md", stored: stored)) == "new line first\n[[Big Plan]]\n")
}

@Test func rangesAreInTheNegotiatedEncoding() {
    let text = "😀 [[Project]]\n"
    let utf16 = renamePlan(encoding: .utf16).linkEdits(in: text, source: "today.md", stored: nil)
    let utf8 = renamePlan(encoding: .utf8).linkEdits(in: text, source: "today.md", stored: nil)
    #expect(utf16.map(\.range) == [LSPRange(line: 0, start: 5, end: 12)])
    #expect(utf8.map(\.range) == [LSPRange(line: 0, start: 7, end: 14)])
    #expect(edited(text, utf8, .utf8) == edited(text, utf16, .utf16))
}

@Test func theTitleIsEditedInTheFrontmatterAndTheFirstHeading() {
    let text = "---\ntitle: \"Project\"\ntype: note\n---\n\n# Project\n\nbody\n"
    let note = snapshot(text, path: "work/project.md")
    let edits = renamePlan().titleEdits(in: note)
    #expect(edits.count == 2)
    #expect(edited(text, edits) == "---\ntitle: Big Plan\ntype: note\n---\n\n# Big Plan\n\nbody\n")
}

@Test func aHeadingThatIsNotTheTitleIsLeftAlone() {
    let text = "---\ntitle: Project\n---\n\n# Something else\n"
    #expect(edited(text, renamePlan().titleEdits(in: snapshot(text, path: "work/project.md")))
        == "---\ntitle: Big Plan\n---\n\n# Something else\n")
}

@Test func fileEditsCoverBacklinksOpenBuffersAndTheTitle() throws {
    let target = NoteSnapshot(path: "work/project.md", uri: "file:///vault/work/project.md",
                              text: "---\ntitle: Project\n---\n# Project\nsee [[Project]]\n", openVersion: 7)
    let backlinks = [Backlink(sourcePath: "a.md", span: TextSpan(line: 0, utf8: 0..<11, utf16: 0..<11)),
                     Backlink(sourcePath: "gone.md", span: TextSpan(line: 0, utf8: 0..<11, utf16: 0..<11))]
    let files = ["a.md": CurrentText(text: "[[Project]]\n", openVersion: nil)]
    // The target is open too; its text comes from `target` (the buffer as the request saw it).
    let open = [(path: "b.md", text: "typed [[project]] just now\n", version: Optional(3)),
                (path: "c.md", text: "no links\n", version: Optional(1)), (path: target.path, text: "", version: Optional(7))]
    let byFile = try renamePlan().fileEdits(target: target, backlinks: backlinks, openNotes: open) { files[$0] }
    #expect(Set(byFile.keys) == ["a.md", "b.md", "work/project.md"])
    #expect(byFile["a.md"]?.version == nil)
    #expect(edited("[[Project]]\n", byFile["a.md"]?.edits ?? []) == "[[Big Plan]]\n")
    #expect(byFile["b.md"]?.version == 3)
    // The target's own link and its title, in one list, with the buffer's version.
    #expect(byFile["work/project.md"]?.version == 7)
    #expect(edited(target.text, byFile["work/project.md"]?.edits ?? []) == "---\ntitle: Big Plan\n---\n# Big Plan\nsee [[Big Plan]]\n")
}

@Test func theMovedTextHasItsTitleAndSelfLinksRewritten() {
    #expect(renamePlan().movedText("---\ntitle: Project\n---\n\n# Project\n\nsee [[Project]]\n")
        == "---\ntitle: Big Plan\n---\n\n# Big Plan\n\nsee [[Big Plan]]\n")
}

@Test func editsApplyFromTheEndInEitherEncoding() {
    let text = "# Ada 😀 Lovelace\nsee [[Ada 😀 Lovelace]]\n"
    func edit(_ line: Int, _ start: Int, _ end: Int, _ newText: String) -> LSPTextEdit {
        LSPTextEdit(range: LSPRange(line: line, start: start, end: end), newText: newText)
    }
    // "Ada 😀 Lovelace" is 15 UTF-16 units (the emoji is two) and 17 UTF-8 bytes.
    #expect(TextEdits.applying([edit(0, 2, 17, "Ada K"), edit(1, 6, 21, "Ada K")], to: text, encoding: .utf16)
        == "# Ada K\nsee [[Ada K]]\n")
    #expect(TextEdits.applying([edit(1, 6, 23, "Ada K"), edit(0, 2, 19, "Ada K")], to: text, encoding: .utf8)
        == "# Ada K\nsee [[Ada K]]\n")
}

@Test func editsApplyFromTheEndSoEarlierRangesStayValid() {
    let edits = [LSPTextEdit(range: LSPRange(line: 0, start: 0, end: 1), newText: "AAA"),
                 LSPTextEdit(range: LSPRange(line: 1, start: 1, end: 2), newText: "")]
    #expect(TextEdits.applying(edits, to: "a b\nxyz\n", encoding: .utf16) == "AAA b\nxz\n")
}

@Test func titlesThatCannotNameAFileAreRefusedWithTheReason() throws {
    #expect(try NoteTitle.valid("  Big Plan ") == "Big Plan")
    for (bad, reason) in [("   ", "must not be empty"), ("a/b", "must not contain '/'"), ("[[x]]", "must not contain '['"),
                          (".hidden", "must not start with '.'"), ("tab\u{7}", "must not contain control characters"),
                          (String(repeating: "x", count: 253), "too long for a file name")] {
        #expect(throws: InvalidTitle.self) { try NoteTitle.valid(bad) }
        do { _ = try NoteTitle.valid(bad) } catch { #expect(error.description == reason) }
    }
}

@Test func titlesBecomePlainOrQuotedYAML() {
    #expect(YAMLTitle.scalar("Big Plan") == "Big Plan")
    #expect(YAMLTitle.scalar("a: b") == "\"a: b\"")
    #expect(YAMLTitle.scalar("yes") == "\"yes\"")
    #expect(YAMLTitle.scalar("say \"hi\"") == "say \"hi\"")
    #expect(YAMLTitle.scalar("\"quoted\" \\ start") == "\"\\\"quoted\\\" \\\\ start\"")
}

@Test func aNewNoteForALinkTargetGoesWhereTheLinkPoints() throws {
    #expect(NewNote(target: "Big Plan", from: "work/today.md")?.path == "work/Big Plan.md")
    #expect(NewNote(target: "ideas/Big Plan", from: "work/today.md")?.path == "ideas/Big Plan.md")
    #expect(NewNote(target: "../Big Plan.md", from: "work/deep/today.md")?.path == "work/Big Plan.md")
    #expect(NewNote(target: "memory://x/Plan", from: "today.md")?.path == "x/Plan.md")
    #expect(NewNote(target: "../Plan", from: "today.md") == nil)  // above the root
    let note = try #require(NewNote(title: "a: b", folder: "/inbox/"))
    #expect(note.path == "inbox/a- b.md")  // the file name Basic Memory gives it; the title keeps its colon
    #expect(note.text == "---\ntitle: \"a: b\"\ntype: note\n---\n\n# a: b\n")
}
