import Testing
import Merge

/// Invariants of the 3-way merge over many seeded random cases.
@Suite struct MergePropertyTests {
    @Test func sameChangeOnBothSidesOrOneSideOnly() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let base = RandomText.lines(count: Int.random(in: 0...10, using: &generator), alphabet: ["a", "b", "c", "d"], using: &generator)
            let changed = RandomText.join(RandomText.edit(base, using: &generator))
            let baseText = RandomText.join(base)
            #expect(ThreeWayMerge.merge(base: baseText, ours: changed, theirs: changed) == .clean(changed))
            #expect(ThreeWayMerge.merge(base: baseText, ours: changed, theirs: baseText) == .clean(changed))
            #expect(ThreeWayMerge.merge(base: baseText, ours: baseText, theirs: changed) == .clean(changed))
        }
    }

    @Test func conflictsKeepBothSidesText() {
        var generator = SeededGenerator(seed: 1234)
        var conflicts = 0
        for _ in 0..<2000 {
            let base = RandomText.lines(count: Int.random(in: 0...10, using: &generator), alphabet: ["a", "b", "c", "d"], using: &generator)
            let ours = RandomText.join(RandomText.edit(base, using: &generator))
            let theirs = RandomText.join(RandomText.edit(base, using: &generator))
            guard case .conflict(let hunks, let marked) = ThreeWayMerge.merge(base: RandomText.join(base), ours: ours, theirs: theirs) else { continue }
            conflicts += 1
            #expect(!hunks.isEmpty)
            #expect(RandomText.split(marked).filter { $0 == "<<<<<<< mine\n" }.count == hunks.count)
            for hunk in hunks {
                #expect(marked.contains("<<<<<<< mine\n" + hunk.ours))
                #expect(marked.contains("=======\n" + hunk.theirs))
                #expect(RandomText.split(ours)[hunk.oursLines].joined() == hunk.ours)
                #expect(RandomText.split(theirs)[hunk.theirsLines].joined() == hunk.theirs)
            }
        }
        #expect(conflicts > 100, "the generator should produce plenty of conflicts")
    }

    /// With unique lines, every line is identifiable: we know which base lines each side kept and which lines it added.
    @Test func uniqueLinesAreNeverLostAndUnchangedLinesSurvive() {
        var generator = SeededGenerator(seed: 99)
        var cleanCount = 0
        for round in 0..<1500 {
            let base = (0..<Int.random(in: 0...12, using: &generator)).map { "base \($0)" }
            let ours = UniqueEdit.random(base, tag: "ours \(round)", using: &generator)
            let theirs = UniqueEdit.random(base, tag: "theirs \(round)", using: &generator)
            let result = ThreeWayMerge.merge(base: RandomText.join(base), ours: RandomText.join(ours), theirs: RandomText.join(theirs))
            let keptByBoth = base.filter { ours.contains($0) && theirs.contains($0) }
            switch result {
            case .clean(let text):
                cleanCount += 1
                let lines = RandomText.split(text).map { String($0.dropLast($0.hasSuffix("\n") ? 1 : 0)) }
                #expect(lines.filter { keptByBoth.contains($0) } == keptByBoth)
                for added in ours + theirs where !base.contains(added) { #expect(lines.contains(added)) }
            case .conflict(_, let marked):
                let lines = RandomText.split(marked).map { String($0.dropLast($0.hasSuffix("\n") ? 1 : 0)) }
                for line in ours + theirs where !base.contains(line) { #expect(lines.contains(line)) }
                #expect(lines.filter { keptByBoth.contains($0) }.count >= keptByBoth.count)
            }
        }
        #expect(cleanCount > 100)
    }

    /// Edits that stay at least one unchanged line apart merge cleanly into exactly both edits applied.
    @Test func separatedEditsMergeToBothApplied() {
        var generator = SeededGenerator(seed: 2024)
        for round in 0..<1500 {
            let count = Int.random(in: 1...14, using: &generator)
            let base = (0..<count).map { "line \($0)" }
            // Even indices in blocks that alternate between the sides, keeping a gap of one untouched line.
            var oursOps: [Int: UniqueEdit.Operation] = [:]
            var theirsOps: [Int: UniqueEdit.Operation] = [:]
            var index = 0
            while index < count {
                let operation = UniqueEdit.Operation.random(tag: "\(round).\(index)", using: &generator)
                if Bool.random(using: &generator) { oursOps[index] = operation } else { theirsOps[index] = operation }
                index += Int.random(in: 2...3, using: &generator)
            }
            let ours = UniqueEdit.apply(oursOps, to: base)
            let theirs = UniqueEdit.apply(theirsOps, to: base)
            let both = UniqueEdit.apply(oursOps.merging(theirsOps) { first, _ in first }, to: base)
            let result = ThreeWayMerge.merge(base: RandomText.join(base), ours: RandomText.join(ours), theirs: RandomText.join(theirs))
            #expect(result == .clean(RandomText.join(both)), "round \(round)")
        }
    }
}

/// Edits of unique-line texts that only introduce lines never seen before.
enum UniqueEdit {
    enum Operation {
        case replace(String), delete, insertBefore(String)

        static func random(tag: String, using generator: inout SeededGenerator) -> Operation {
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: .replace("changed \(tag)")
            case 1: .delete
            default: .insertBefore("inserted \(tag)")
            }
        }
    }

    static func apply(_ operations: [Int: Operation], to lines: [String]) -> [String] {
        lines.enumerated().flatMap { index, line -> [String] in
            switch operations[index] {
            case nil: [line]
            case .replace(let new): [new]
            case .delete: []
            case .insertBefore(let new): [new, line]
            }
        }
    }

    static func random(_ lines: [String], tag: String, using generator: inout SeededGenerator) -> [String] {
        var operations: [Int: Operation] = [:]
        for index in lines.indices where Int.random(in: 0..<4, using: &generator) == 0 {
            operations[index] = .random(tag: "\(tag).\(index)", using: &generator)
        }
        var result = apply(operations, to: lines)
        if Bool.random(using: &generator) { result.append("appended \(tag)") }
        return result
    }
}
