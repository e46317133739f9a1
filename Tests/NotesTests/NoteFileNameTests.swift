import Testing
@testable import Notes

@Suite struct NoteFileNameTests {
    @Test(arguments: [
        ("Water Chemistry Notes", "Water Chemistry Notes.md"),
        ("Afterburner Maintenance Log", "Afterburner Maintenance Log.md"),
        ("Coupon Enable/Disable Feature", "Coupon Enable-Disable Feature.md"),
        ("Shopping List: Tuesday", "Shopping List- Tuesday.md"),
        ("a\\b<c>d\"e|f?g*h", "a-b-c-d-e-f-g-h.md"),
        ("What? *Really*?", "What- -Really.md"),
        ("a//b--c", "a-b-c.md"),
        ("Version 2.0.0", "Version 2.0.0.md"),
        ("hi everyone...", "hi everyone.md"),
        ("  Padded Title  ", "Padded Title.md"),
        ("-.hidden", "hidden.md"),
        ("line\nbreak\ttab", "line-break-tab.md"),
        ("Ann's Notes (draft) #1", "Ann's Notes (draft) #1.md"),
        ("Über Café 日本語", "Über Café 日本語.md"),
    ])
    func titleBecomesFileName(title: String, expected: String) {
        #expect(NoteFileName.forTitle(title) == expected)
    }

    @Test(arguments: ["", "   ", "...", "/", "?:*", " - . - "])
    func titleWithNothingUsableHasNoFileName(title: String) {
        #expect(NoteFileName.forTitle(title) == nil)
    }

    @Test func nameLongerThanTheFileSystemTakesHasNoFileName() {
        #expect(NoteFileName.forTitle(String(repeating: "a", count: 252)) == String(repeating: "a", count: 252) + ".md")
        #expect(NoteFileName.forTitle(String(repeating: "a", count: 253)) == nil)
        #expect(NoteFileName.forTitle(String(repeating: "é", count: 127)) == nil)  // 254 bytes + ".md"
    }

    @Test func permalinkFollowsFromTheFileName() throws {
        let name = try #require(NoteFileName.forTitle("Water Chemistry Notes"))
        #expect(Permalink.generate(fromPath: "lab/" + name) == "lab/water-chemistry-notes")
        let slashed = try #require(NoteFileName.forTitle("Coupon Enable/Disable Feature"))
        #expect(Permalink.generate(fromPath: slashed) == "coupon-enable-disable-feature")
    }
}
