/// Where the YAML frontmatter sits: between a `---` line that is the first non-blank line and
/// the next `---` line (trailing spaces allowed on both).
struct FrontmatterBlock {
    var opening: LineRef
    var yamlStart: Int
    var yamlEnd: Int
    var bodyStart: Int
    var bodyStartLine: Int

    enum Search {
        case none
        case unclosed(LineRef)
        case block(FrontmatterBlock)
    }

    static func find(in text: NoteText) -> Search {
        var line = text.line(startingAt: 0, number: 0)
        while line.start < text.count, text.trimmed(line.start, line.end).0 == line.end {
            line = text.line(startingAt: line.next, number: line.number + 1)
        }
        guard line.start < text.count, isFence(line, text) else { return .none }
        let opening = line
        while line.next < text.count {
            line = text.line(startingAt: line.next, number: line.number + 1)
            if isFence(line, text) {
                return .block(FrontmatterBlock(opening: opening, yamlStart: opening.next, yamlEnd: line.start,
                                               bodyStart: line.next, bodyStartLine: line.number + 1))
            }
        }
        return .unclosed(opening)
    }

    /// The line `yamlLine` lines into the YAML (the opening fence when unknown).
    func line(at yamlLine: Int?, in text: NoteText) -> LineRef {
        var line = opening
        for _ in 0..<((yamlLine ?? -1) + 1) where line.next < yamlEnd {
            line = text.line(startingAt: line.next, number: line.number + 1)
        }
        return line
    }

    private static func isFence(_ line: LineRef, _ text: NoteText) -> Bool {
        text.matches("---", at: line.start, limit: line.end) && text.trimmed(line.start + 3, line.end).0 == line.end
    }
}
