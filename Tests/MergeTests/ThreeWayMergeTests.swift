import Testing
import Merge

@Suite struct ThreeWayMergeTests {
    @Test func disjointChangesMergeCleanly() {
        let result = ThreeWayMerge.merge(base: "a\nb\nc\nd\ne\n", ours: "a\nB\nc\nd\ne\n", theirs: "a\nb\nc\nD\ne\n")
        #expect(result == .clean("a\nB\nc\nD\ne\n"))
    }

    @Test func adjacentChangesConflictAsInGit() {
        let result = ThreeWayMerge.merge(base: "a\nb\nc\nd\n", ours: "a\nB\nc\nd\n", theirs: "a\nb\nC\nd\n")
        guard case .conflict(let hunks, _) = result else {
            Issue.record("expected a conflict, got \(result)")
            return
        }
        #expect(hunks.count == 1)
        #expect(hunks.first?.baseLines == 1..<3)
        #expect(hunks.first?.ours == "B\nc\n")
        #expect(hunks.first?.theirs == "b\nC\n")
    }

    @Test func identicalChangesAreClean() {
        let result = ThreeWayMerge.merge(base: "a\nb\nc\n", ours: "a\nX\nc\nnew\n", theirs: "a\nX\nc\nnew\n")
        #expect(result == .clean("a\nX\nc\nnew\n"))
    }

    @Test func identicalChangePlusOneSidedChangeElsewhere() {
        let base = "1\n2\n3\n4\n5\n6\n"
        let result = ThreeWayMerge.merge(base: base, ours: "1\nTWO\n3\n4\n5\n6\n", theirs: "1\nTWO\n3\n4\n5\nSIX\n")
        #expect(result == .clean("1\nTWO\n3\n4\n5\nSIX\n"))
    }

    @Test func overlappingDifferentChangesGiveAHunkAndMarkers() {
        let base = "title\nkeep\nold line\nend\n"
        let ours = "title\nkeep\nmy line\nend\n"
        let theirs = "Title\nkeep\ntheir line\nextra\nend\n"
        let result = ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs)
        let expectedHunk = ConflictHunk(baseLines: 2..<3, oursLines: 2..<3, theirsLines: 2..<4,
                                        base: "old line\n", ours: "my line\n", theirs: "their line\nextra\n")
        let expectedText = """
            Title
            keep
            <<<<<<< mine
            my line
            ||||||| base
            old line
            =======
            their line
            extra
            >>>>>>> theirs
            end

            """
        #expect(result == .conflict(hunks: [expectedHunk], markedText: expectedText))
    }

    @Test func labelsAreConfigurableAndKeptOnOneLine() {
        let result = ThreeWayMerge.merge(base: "a\n", ours: "b\n", theirs: "c\n", oursLabel: "laptop", theirsLabel: "cloud\nside")
        guard case .conflict(_, let text) = result else {
            Issue.record("expected a conflict")
            return
        }
        #expect(text == "<<<<<<< laptop\nb\n||||||| base\na\n=======\nc\n>>>>>>> cloud side\n")
    }

    @Test func crlfLineEndingsAreKeptAndUsedForMarkers() {
        let clean = ThreeWayMerge.merge(base: "a\r\nb\r\nc\r\n", ours: "A\r\nb\r\nc\r\n", theirs: "a\r\nb\r\nC\r\n")
        #expect(clean == .clean("A\r\nb\r\nC\r\n"))
        let conflict = ThreeWayMerge.merge(base: "a\r\n", ours: "b\r\n", theirs: "c\r\n")
        guard case .conflict(_, let text) = conflict else {
            Issue.record("expected a conflict")
            return
        }
        #expect(text == "<<<<<<< mine\r\nb\r\n||||||| base\r\na\r\n=======\r\nc\r\n>>>>>>> theirs\r\n")
    }

    @Test func aLineEndingChangeIsAChange() {
        let result = ThreeWayMerge.merge(base: "a\nb\nc\n", ours: "a\r\nb\nc\n", theirs: "a\nb\nC\n")
        #expect(result == .clean("a\r\nb\nC\n"))
    }

    @Test func missingFinalNewlineIsKept() {
        #expect(ThreeWayMerge.merge(base: "a\nx\nb", ours: "A\nx\nb", theirs: "a\nx\nB") == .clean("A\nx\nB"))
        #expect(ThreeWayMerge.merge(base: "a\nb", ours: "a\nb\n", theirs: "a\nb") == .clean("a\nb\n"))
        #expect(ThreeWayMerge.merge(base: "a\nx\nb\n", ours: "A\nx\nb\n", theirs: "a\nx\nb") == .clean("A\nx\nb"))
    }

    @Test func conflictOnALastLineWithoutNewlineStillEndsMarkerLines() {
        let result = ThreeWayMerge.merge(base: "a\nb", ours: "a\nmine", theirs: "a\ntheirs")
        guard case .conflict(let hunks, let text) = result else {
            Issue.record("expected a conflict")
            return
        }
        #expect(hunks.first?.ours == "mine")
        #expect(text == "a\n<<<<<<< mine\nmine\n||||||| base\nb\n=======\ntheirs\n>>>>>>> theirs\n")
    }

    @Test func deleteAgainstEditConflicts() {
        let result = ThreeWayMerge.merge(base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nB\nc\n")
        guard case .conflict(let hunks, _) = result else {
            Issue.record("expected a conflict")
            return
        }
        #expect(hunks == [ConflictHunk(baseLines: 1..<2, oursLines: 1..<1, theirsLines: 1..<2,
                                       base: "b\n", ours: "", theirs: "B\n")])
    }

    @Test func insertionsAtTheSamePlace() {
        #expect(ThreeWayMerge.merge(base: "a\nb\n", ours: "a\nsame\nb\n", theirs: "a\nsame\nb\n") == .clean("a\nsame\nb\n"))
        guard case .conflict(let hunks, _) = ThreeWayMerge.merge(base: "a\nb\n", ours: "a\nmine\nb\n", theirs: "a\nyours\nb\n") else {
            Issue.record("expected a conflict")
            return
        }
        #expect(hunks.first?.baseLines == 1..<1)
        #expect(hunks.first?.oursLines == 1..<2)
    }

    @Test func canonicallyEquivalentTextIsStillAChange() {
        let composed = "caf\u{E9}\n"
        let decomposed = "cafe\u{301}\n"
        let result = ThreeWayMerge.merge(base: composed, ours: decomposed, theirs: composed)
        guard case .clean(let text) = result else {
            Issue.record("expected a clean merge")
            return
        }
        #expect(Array(text.utf8) == Array(decomposed.utf8))
    }

    @Test func emptyTexts() {
        #expect(ThreeWayMerge.merge(base: "", ours: "", theirs: "") == .clean(""))
        #expect(ThreeWayMerge.merge(base: "", ours: "x\n", theirs: "") == .clean("x\n"))
        #expect(ThreeWayMerge.merge(base: "a\n", ours: "", theirs: "a\n") == .clean(""))
        guard case .conflict = ThreeWayMerge.merge(base: "", ours: "x", theirs: "y") else {
            Issue.record("two different new files must conflict")
            return
        }
    }
}
