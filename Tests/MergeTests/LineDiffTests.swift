import Testing
import Merge

@Suite struct LineDiffTests {
    @Test func equalTextsHaveNoHunks() {
        #expect(LineDiff.hunks(from: "a\nb\n", to: "a\nb\n").isEmpty)
        #expect(LineDiff.hunks(from: "", to: "").isEmpty)
    }

    @Test func replacementInsertionAndDeletion() {
        let hunks = LineDiff.hunks(from: "a\nb\nc\nd\n", to: "a\nB\nc\nnew\nd\n")
        #expect(hunks == [
            LineDiffHunk(oldLines: 1..<2, newLines: 1..<2, oldText: "b\n", newText: "B\n"),
            LineDiffHunk(oldLines: 3..<3, newLines: 3..<4, oldText: "", newText: "new\n"),
        ])
        #expect(LineDiff.hunks(from: "a\nb\n", to: "b\n") == [LineDiffHunk(oldLines: 0..<1, newLines: 0..<0, oldText: "a\n", newText: "")])
    }

    @Test func finalNewlineAndLineEndingsCount() {
        #expect(LineDiff.hunks(from: "a\nb", to: "a\nb\n") == [LineDiffHunk(oldLines: 1..<2, newLines: 1..<2, oldText: "b", newText: "b\n")])
        #expect(LineDiff.hunks(from: "a\r\n", to: "a\n").count == 1)
    }

    @Test func applyingTheHunksGivesTheNewText() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let old = RandomText.lines(count: Int.random(in: 0...12, using: &generator), alphabet: ["a", "b", "c", "d"], using: &generator)
            let new = RandomText.edit(old, using: &generator)
            let oldText = RandomText.join(old)
            let newText = RandomText.join(new)
            var lines = RandomText.split(oldText)
            for hunk in LineDiff.hunks(from: oldText, to: newText).reversed() {
                lines.replaceSubrange(hunk.oldLines, with: RandomText.split(hunk.newText))
            }
            #expect(lines.joined() == newText)
        }
    }
}
