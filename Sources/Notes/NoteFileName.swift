/// The file a new note gets from its title, as Basic Memory's `write_note` names it
/// (`sanitize_for_filename` in its utils): the title itself plus `.md`, e.g.
/// `Water Chemistry Notes` → `Water Chemistry Notes.md`. Only characters that would make another
/// folder or are refused by common file systems change; the permalink then follows from the path
/// (`Permalink.generate(fromPath:)`), e.g. `water-chemistry-notes`.
public enum NoteFileName {
    /// Longest file name (in UTF-8 bytes) the usual file systems and S3 mounts take.
    public static let maximumBytes = 255

    /// `<sanitised title>.md`, or nil when nothing usable is left (an empty or all-punctuation
    /// title) or the name would be longer than `maximumBytes`.
    ///
    /// Steps: `/ \ < > : " | ? *` and control characters become `-`; runs of `-` become one;
    /// spaces, dots and hyphens at either end go. Basic Memory trims dots and hyphens too (once
    /// each); trimming all three together also keeps a title like `-.hidden` from naming a dotfile.
    public static func forTitle(_ title: String) -> String? {
        var stem = String.UnicodeScalarView()
        for scalar in title.unicodeScalars {
            let replaced: Unicode.Scalar = replacedCharacters.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7F ? "-" : scalar
            if replaced == "-", stem.last == "-" { continue }
            stem.append(replaced)
        }
        while let first = stem.first, trimmedAtEnds.contains(first) { stem.removeFirst() }
        while let last = stem.last, trimmedAtEnds.contains(last) { stem.removeLast() }
        let name = String(stem) + ".md"
        guard !stem.isEmpty, name.utf8.count <= maximumBytes else { return nil }
        return name
    }

    private static let replacedCharacters: Set<Unicode.Scalar> = ["/", "\\", "<", ">", ":", "\"", "|", "?", "*"]
    private static let trimmedAtEnds: Set<Unicode.Scalar> = [" ", ".", "-"]
}
