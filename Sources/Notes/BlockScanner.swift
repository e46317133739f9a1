/// Walks the body line by line, tracking code fences, indented code, block quotes and lists,
/// and hands each line's inline content to the `InlineScanner`.
struct BlockScanner {
    let text: NoteText
    let inline: InlineScanner
    let extractSemantics: Bool

    private var fence: (marker: UInt8, length: Int)?
    private var inList = false
    private var previousBlank = true
    private var previousIndentedCode = false

    init(text: NoteText, folder: String, extractSemantics: Bool) {
        self.text = text
        self.inline = InlineScanner(text: text, folder: folder)
        self.extractSemantics = extractSemantics
    }

    /// Reads one line into `found`.
    mutating func scan(_ line: LineRef, into found: inout BodyStructure) {
        let bytes = text.bytes
        var p = line.start
        var indent = 0
        while p < line.end, ASCII.isBlank(bytes[p]) {
            indent += bytes[p] == ASCII.tab ? 4 - indent % 4 : 1
            p += 1
        }
        let blank = p == line.end
        defer { previousBlank = blank }

        if let open = fence {
            if !blank, closesFence(open, at: p, end: line.end) { fence = nil }
            return
        }
        if blank { return }
        if indent >= 4, !inList, previousBlank || previousIndentedCode {
            previousIndentedCode = true
            return
        }
        previousIndentedCode = false
        if let opened = opensFence(at: p, end: line.end) {
            fence = opened
            return
        }

        var inQuote = false
        while p < line.end, bytes[p] == ASCII.greaterThan {
            inQuote = true
            p += 1
            while p < line.end, ASCII.isBlank(bytes[p]) { p += 1 }
        }
        // Only quote markers: nothing to read, and at the end of the text bytes[p] does not exist.
        if p == line.end { return }
        if isThematicBreak(p, line.end) { return }

        if let (level, textStart) = headingStart(p, line.end) {
            let (start, end) = headingText(textStart, line.end)
            found.headings.append(Heading(level: level, text: text.string(start, end), span: text.span(line, p, text.trimmed(p, line.end).1)))
            if !inQuote { inList = false }
            scanInline(line, start, end, inListItem: false, inQuote: inQuote, into: &found)
            return
        }
        if let contentStart = listItemContent(p, line.end) {
            inList = true
            let (start, end) = text.trimmed(contentStart, line.end)
            scanInline(line, start, end, inListItem: true, inQuote: inQuote, into: &found)
            return
        }
        if indent == 0, !inQuote { inList = false }
        let (start, end) = text.trimmed(p, line.end)
        scanInline(line, start, end, inListItem: false, inQuote: inQuote, into: &found)
    }

    private func scanInline(_ line: LineRef, _ start: Int, _ end: Int, inListItem: Bool, inQuote: Bool,
                            into found: inout BodyStructure) {
        guard extractSemantics else { return }
        // Block quotes hold Obsidian callouts (`> [!info]`), so no observations there; links still count.
        inline.scan(line, start, end, inListItem: inListItem, observations: !inQuote, relations: true, into: &found)
    }

    /// A run of three or more backticks (with no backtick after it) or tildes.
    private func opensFence(at p: Int, end: Int) -> (marker: UInt8, length: Int)? {
        let marker = text.bytes[p]
        guard marker == ASCII.backtick || marker == ASCII.tilde else { return nil }
        var i = p
        while i < end, text.bytes[i] == marker { i += 1 }
        let length = i - p
        guard length >= 3 else { return nil }
        if marker == ASCII.backtick, (i..<end).contains(where: { text.bytes[$0] == ASCII.backtick }) { return nil }
        return (marker, length)
    }

    private func closesFence(_ open: (marker: UInt8, length: Int), at p: Int, end: Int) -> Bool {
        var i = p
        while i < end, text.bytes[i] == open.marker { i += 1 }
        return i - p >= open.length && text.trimmed(i, end).0 == end
    }

    /// `---`, `***`, `___`, `- - -`: a horizontal rule, not a list item.
    private func isThematicBreak(_ p: Int, _ end: Int) -> Bool {
        let marker = text.bytes[p]
        guard marker == ASCII.dash || marker == ASCII.star || marker == ASCII.underscore else { return false }
        var count = 0
        for i in p..<end {
            if text.bytes[i] == marker { count += 1 } else if !ASCII.isBlank(text.bytes[i]) { return false }
        }
        return count >= 3
    }

    /// `#`…`######` followed by a space, a tab or the end of the line.
    private func headingStart(_ p: Int, _ end: Int) -> (Int, Int)? {
        var i = p
        while i < end, text.bytes[i] == ASCII.hash { i += 1 }
        let level = i - p
        guard (1...6).contains(level), i == end || ASCII.isBlank(text.bytes[i]) else { return nil }
        return (level, i)
    }

    /// The heading's text, without the optional closing `###` sequence.
    private func headingText(_ from: Int, _ end: Int) -> (Int, Int) {
        var (start, stop) = text.trimmed(from, end)
        var i = stop
        while i > start, text.bytes[i - 1] == ASCII.hash { i -= 1 }
        if i == start {
            stop = start
        } else if i < stop, ASCII.isBlank(text.bytes[i - 1]) {
            stop = text.trimmed(start, i).1
        }
        return (start, stop)
    }

    /// Where a list item's text starts: after `-`, `*`, `+`, `1.` or `1)` and a space.
    private func listItemContent(_ p: Int, _ end: Int) -> Int? {
        let bytes = text.bytes
        var i = p
        if bytes[i] == ASCII.dash || bytes[i] == ASCII.star || bytes[i] == ASCII.plus {
            i += 1
        } else {
            while i < end, i - p < 9, ASCII.isDigit(bytes[i]) { i += 1 }
            guard i > p, i < end, bytes[i] == ASCII.dot || bytes[i] == ASCII.closeParen else { return nil }
            i += 1
        }
        guard i == end || ASCII.isBlank(bytes[i]) else { return nil }
        return i
    }
}
