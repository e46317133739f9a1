/// A region both sides changed differently: the lines it covers in each text (counted from 0) and their text.
public struct ConflictHunk: Sendable, Hashable {
    public var baseLines: Range<Int>
    public var oursLines: Range<Int>
    public var theirsLines: Range<Int>
    public var base: String
    public var ours: String
    public var theirs: String

    public init(baseLines: Range<Int>, oursLines: Range<Int>, theirsLines: Range<Int>,
                base: String, ours: String, theirs: String) {
        self.baseLines = baseLines
        self.oursLines = oursLines
        self.theirsLines = theirsLines
        self.base = base
        self.ours = ours
        self.theirs = theirs
    }
}

/// The outcome of a 3-way merge.
public enum MergeResult: Sendable, Hashable {
    /// Every change merged; the merged text.
    case clean(String)
    /// Some regions conflict. `markedText` is the merged text with every clean change of both sides
    /// applied and each conflict written out diff3-style between `<<<<<<<`, `|||||||`, `=======`, `>>>>>>>` lines.
    case conflict(hunks: [ConflictHunk], markedText: String)
}

/// A diff3-style line merge of two texts derived from a common base.
///
/// Changes from each side are line regions of the base. Regions that overlap or touch (one ends where
/// the other begins, including two insertions at the same line) are merged as one region, as git does:
/// an edit right next to another side's edit is a conflict unless both sides made the same change.
/// Lines compare byte for byte; line endings and a missing final newline are kept exactly.
public enum ThreeWayMerge {
    /// Merges `ours` and `theirs`, both edited from `base`; conflict markers carry the given labels.
    public static func merge(base: String, ours: String, theirs: String,
                             oursLabel: String = "mine", theirsLabel: String = "theirs") -> MergeResult {
        let baseLines = Lines(base)
        let oursLines = Lines(ours)
        let theirsLines = Lines(theirs)
        let regions = Region.group(ours: baseLines.changes(to: oursLines), theirs: baseLines.changes(to: theirsLines))
        let markers = Markers(ours: oursLabel, theirs: theirsLabel,
                              newline: theirsLines.newline ?? oursLines.newline ?? baseLines.newline ?? "\n")

        var merged = ""
        var hunks: [ConflictHunk] = []
        var position = 0
        for region in regions {
            merged += baseLines.text(position..<region.base.lowerBound)
            position = region.base.upperBound
            let oursRange = region.range(of: region.ours)
            let theirsRange = region.range(of: region.theirs)
            switch (oursRange, theirsRange) {
            case (let range?, nil):
                merged += oursLines.text(range)
            case (nil, let range?):
                merged += theirsLines.text(range)
            case (let oursRange?, let theirsRange?):
                let oursText = oursLines.text(oursRange)
                let theirsText = theirsLines.text(theirsRange)
                if oursText.utf8.elementsEqual(theirsText.utf8) {
                    merged += oursText
                } else {
                    let hunk = ConflictHunk(baseLines: region.base, oursLines: oursRange, theirsLines: theirsRange,
                                            base: baseLines.text(region.base), ours: oursText, theirs: theirsText)
                    hunks.append(hunk)
                    merged += markers.wrap(hunk)
                }
            case (nil, nil):
                preconditionFailure("a merge region always holds at least one change")
            }
        }
        merged += baseLines.text(position..<baseLines.count)
        return hunks.isEmpty ? .clean(merged) : .conflict(hunks: hunks, markedText: merged)
    }
}

/// A run of base lines touched by changes from one or both sides.
private struct Region {
    var base: Range<Int>
    var ours: [LineChange] = []
    var theirs: [LineChange] = []

    /// Groups both sides' changes into regions, joining changes whose base ranges overlap or touch.
    static func group(ours: [LineChange], theirs: [LineChange]) -> [Region] {
        let tagged = ours.map { (isOurs: true, change: $0) } + theirs.map { (isOurs: false, change: $0) }
        let sorted = tagged.sorted {
            ($0.change.old.lowerBound, $0.change.old.upperBound) < ($1.change.old.lowerBound, $1.change.old.upperBound)
        }
        var regions: [Region] = []
        for (isOurs, change) in sorted {
            if let last = regions.last, change.old.lowerBound <= last.base.upperBound {
                regions[regions.count - 1].base = last.base.lowerBound..<max(last.base.upperBound, change.old.upperBound)
            } else {
                regions.append(Region(base: change.old))
            }
            if isOurs { regions[regions.count - 1].ours.append(change) } else { regions[regions.count - 1].theirs.append(change) }
        }
        return regions
    }

    /// The lines of one side that stand for this region's base lines, or nil if that side changed nothing here.
    /// Lines between a side's changes inside the region are unchanged, so the offsets carry over at both ends.
    func range(of changes: [LineChange]) -> Range<Int>? {
        guard let first = changes.first, let last = changes.last else { return nil }
        let start = first.new.lowerBound - (first.old.lowerBound - base.lowerBound)
        let end = last.new.upperBound + (base.upperBound - last.old.upperBound)
        return start..<end
    }
}

/// Writes a conflict diff3-style.
private struct Markers {
    let ours: String
    let theirs: String
    let newline: String

    init(ours: String, theirs: String, newline: String) {
        self.ours = Markers.oneLine(ours)
        self.theirs = Markers.oneLine(theirs)
        self.newline = newline
    }

    func wrap(_ hunk: ConflictHunk) -> String {
        "<<<<<<< \(ours)\(newline)" + terminated(hunk.ours)
            + "||||||| base\(newline)" + terminated(hunk.base)
            + "=======\(newline)" + terminated(hunk.theirs)
            + ">>>>>>> \(theirs)\(newline)"
    }

    /// The text with a newline added if its last line lacks one, so the next marker starts a line.
    private func terminated(_ text: String) -> String {
        text.isEmpty || text.utf8.last == UInt8(ascii: "\n") ? text : text + newline
    }

    private static func oneLine(_ label: String) -> String {
        String(label.map { $0.isNewline ? " " : $0 })
    }
}
