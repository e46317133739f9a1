/// Whether a text kept the changes one version made to its parent: the evidence that whoever wrote
/// the text had seen that version. Timing cannot tell on a mount, which can deliver another
/// device's write, made from the parent, seconds after this device's own save.
public enum KeptChanges {
    /// True when `text` has every line `version` added to `base` (at least as often as `version`)
    /// and none of the lines `version` removed came back (no more often than in `version`).
    /// Line order is not compared: a later edit may move lines; a line-level loss is what matters.
    public static func keeps(changesFrom base: String, to version: String, in text: String) -> Bool {
        let before = counts(base), after = counts(version), now = counts(text)
        for (line, count) in after where count > before[line, default: 0] && now[line, default: 0] < count {
            return false
        }
        for (line, count) in before where count > after[line, default: 0] && now[line, default: 0] > after[line, default: 0] {
            return false
        }
        return true
    }

    private static func counts(_ text: String) -> [Substring: Int] {
        var counts: [Substring: Int] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { counts[line, default: 0] += 1 }
        return counts
    }
}
