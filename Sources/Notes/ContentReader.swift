/// Byte-level helpers over one block's inline content, with Python's idea of whitespace (Basic
/// Memory splits and strips with `str.split()`/`strip()`), and the way back to source spans.
struct ContentReader {
    let content: InlineContent
    let source: NoteText
    var bytes: [UInt8] { content.bytes }

    /// ASCII whitespace as Python's `str.isspace` has it (line breaks included).
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == ASCII.space || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F)
    }

    func stripped(_ from: Int, _ to: Int) -> (Int, Int) {
        var start = from
        var end = to
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
        return (start, end)
    }

    /// The text of `from..<to` without NUL bytes (Basic Memory drops them).
    func string(_ from: Int, _ to: Int) -> String {
        let slice = bytes[from..<to]
        return slice.contains(0) ? String(decoding: slice.filter { $0 != 0 }, as: UTF8.self)
            : String(decoding: slice, as: UTF8.self)
    }

    /// The source span of `from..<to`, cut at the end of the line `from` is on.
    func span(_ from: Int, _ to: Int) -> TextSpan {
        let (segment, start) = content.source(of: from)
        let (endSegment, end) = content.source(of: max(from, to))
        return source.span(segment.line, start, endSegment.line.number == segment.line.number ? end : segment.end)
    }

    /// Where the line holding `from` ends, at most `to` (no search when the block is one line).
    func lineEnd(_ from: Int, _ to: Int) -> Int {
        content.starts.count == 1 ? to : (from < to ? bytes[from..<to].firstIndex(of: ASCII.newline) ?? to : to)
    }

    func contains(_ byte: UInt8, _ from: Int, _ to: Int) -> Bool {
        from < to && bytes[from..<to].contains(byte)
    }

    func lastIndex(of byte: UInt8, _ from: Int, _ to: Int) -> Int? {
        from < to ? bytes[from..<to].lastIndex(of: byte) : nil
    }

    func matches(_ literal: StaticString, _ offset: Int, _ limit: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset >= 0, offset + count <= limit else { return false }
        for k in 0..<count where bytes[offset + k] != literal.utf8Start[k] { return false }
        return true
    }

    func find(_ literal: StaticString, _ from: Int, _ to: Int) -> Int? {
        let first = literal.utf8Start[0]
        var i = from
        while i < to {
            if bytes[i] == first, matches(literal, i, to) { return i }
            i += 1
        }
        return nil
    }

    /// Byte ranges of `` `code` `` spans, in order: a run of n backticks closed by the next run
    /// of exactly n; an unmatched run is literal text; a backslash escapes the next character.
    /// Linear: each run's closer is found from a table of the next run of each length.
    func codeSpans(_ from: Int, _ to: Int) -> [Range<Int>] {
        CodeSpans.find(bytes, from, to)
    }

    private func inCode(_ offset: Int, _ code: [Range<Int>]) -> Bool {
        CodeSpans.containing(offset, code) != nil
    }

    /// `literal` at `offset`, none of whose brackets lie in a code span (Basic Memory masks those).
    func matchesUnmasked(_ literal: StaticString, _ offset: Int, _ limit: Int, code: [Range<Int>]) -> Bool {
        matches(literal, offset, limit) && (code.isEmpty || !(offset..<(offset + literal.utf8CodeUnitCount)).contains { inCode($0, code) })
    }

    func findUnmasked(_ literal: StaticString, _ from: Int, _ to: Int, code: [Range<Int>]) -> Int? {
        var i = from
        while let found = find(literal, i, to) {
            if matchesUnmasked(literal, found, to, code: code) { return found }
            i = found + 1
        }
        return nil
    }

    /// Whether the character at `offset` follows an odd run of backslashes.
    func isEscaped(_ offset: Int, _ from: Int) -> Bool {
        var count = 0
        var i = offset - 1
        while i >= from, bytes[i] == ASCII.backslash { count += 1; i -= 1 }
        return count % 2 == 1
    }

    /// Whether `from..<to` is one balanced `(…)` group and nothing else.
    func isSingleParenthesized(_ from: Int, _ to: Int, code: [Range<Int>]) -> Bool {
        guard bytes[from] == ASCII.openParen else { return false }
        var depth = 0
        for i in from..<to {
            if bytes[i] == ASCII.openParen { depth += 1 }
            if bytes[i] == ASCII.closeParen {
                depth -= 1
                if depth == 0 { return i == to - 1 }
            }
        }
        return false
    }

    /// A final ` #bm:links_to` (whitespace before it, outside code): where the text before it ends.
    func linksToDirective(_ from: Int, _ to: Int, blanking code: [Range<Int>]) -> (end: Int, found: Bool) {
        func blank(_ i: Int) -> Bool { Self.isSpace(bytes[i]) || inCode(i, code) }
        var end = to
        while end > from, blank(end - 1) { end -= 1 }
        let directive: StaticString = "#bm:links_to"
        let start = end - directive.utf8CodeUnitCount
        guard start > from, matches(directive, start, end), !(start..<end).contains(where: { inCode($0, code) }),
              blank(start - 1) else { return (to, false) }
        var before = start
        while before > from, blank(before - 1) { before -= 1 }
        return (stripped(from, before).1, true)
    }
}
