/// One changed region between two texts: lines `oldLines` of the old text became `newLines` of the new.
/// Line numbers count from 0; an empty range is an insertion point (or a pure deletion on the other side).
public struct LineDiffHunk: Sendable, Hashable {
    public var oldLines: Range<Int>
    public var newLines: Range<Int>
    /// The old lines' text, terminators included.
    public var oldText: String
    /// The new lines' text, terminators included.
    public var newText: String

    public init(oldLines: Range<Int>, newLines: Range<Int>, oldText: String, newText: String) {
        self.oldLines = oldLines
        self.newLines = newLines
        self.oldText = oldText
        self.newText = newText
    }
}

/// Line-level differences between two texts.
public enum LineDiff {
    /// The changed line ranges from `old` to `new`, in order; empty when the texts are equal byte for byte.
    public static func hunks(from old: String, to new: String) -> [LineDiffHunk] {
        let oldLines = Lines(old)
        let newLines = Lines(new)
        return oldLines.changes(to: newLines).map {
            LineDiffHunk(oldLines: $0.old, newLines: $0.new,
                         oldText: oldLines.text($0.old), newText: newLines.text($0.new))
        }
    }
}
