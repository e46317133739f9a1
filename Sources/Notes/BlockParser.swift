/// One piece of a block's inline content: bytes `start..<end` of a source line.
struct ContentSegment {
    var line: LineRef
    var start: Int
    var end: Int
}

/// The inline content of a paragraph or heading, as markdown-it hands it to Basic Memory's
/// plugins: its lines joined by line breaks, with what encloses it (a list item, a block quote).
struct InlineBlock {
    var segments: [ContentSegment]
    var inListItem: Bool
    var inQuote: Bool
}

/// Splits a note's body into CommonMark blocks the way markdown-it (Basic Memory's parser) does,
/// line by line: block quotes and list items as containers; paragraphs (with lazy continuation
/// lines), ATX and setext headings, fenced and indented code, HTML blocks and thematic breaks as
/// leaves. Paragraphs and headings go to `InlineScanner`; code and HTML are skipped; link
/// reference definitions at the start of a paragraph are collected, not read as text.
struct BlockParser {
    private enum Container {
        case quote
        /// `contentColumn`: where the item's text starts; `blankStart`: opened on an empty line.
        case item(contentColumn: Int, blankStart: Bool, hasContent: Bool)
    }

    private enum Leaf {
        case none
        case paragraph
        case fence(marker: UInt8, length: Int)
        case indentedCode
        case html(HTMLBlock.End)
    }

    let text: NoteText
    private var containers: [Container] = []
    private var leaf = Leaf.none
    private var paragraph: [ContentSegment] = []
    /// Basic Memory's list flag: set by an item's opening, cleared by any item's closing.
    private var listFlag = false
    private(set) var blocks: [InlineBlock] = []
    private(set) var headings: [Heading] = []
    var definitions = LinkDefinitions()

    init(text: NoteText) {
        self.text = text
    }

    /// Reads one line.
    mutating func add(_ line: LineRef) {
        var cursor = LineCursor(text: text, line: line)
        var matched = 0
        matching: for (index, container) in containers.enumerated() {
            switch container {
            case .quote:
                guard cursor.indent < 4, cursor.peek == ASCII.greaterThan else { break matching }
                cursor.skipIndent()
                cursor.advance()
                cursor.skipOneSpace()
            case .item(let column, let blankStart, let hasContent):
                if cursor.isBlank {
                    if blankStart, !hasContent { break matching }
                } else {
                    guard cursor.indent >= column - cursor.column else { break matching }
                    cursor.skipColumns(to: column)
                    containers[index] = .item(contentColumn: column, blankStart: blankStart, hasContent: true)
                }
            }
            matched += 1
        }
        let allMatched = matched == containers.count

        if allMatched, continueLeaf(&cursor) { return }
        if !allMatched, case .paragraph = leaf, !cursor.isBlank, !startsBlock(cursor) {
            paragraph.append(lazySegment(cursor))
            return
        }
        if !allMatched { closeContainers(from: matched) }
        openBlocks(&cursor)
    }

    /// Closes everything at the end of the text.
    mutating func finish() {
        closeContainers(from: 0)
    }

    // MARK: Leaves that continue

    /// Feeds the line to an open fence, HTML block or indented code; true when it took it.
    private mutating func continueLeaf(_ cursor: inout LineCursor) -> Bool {
        switch leaf {
        case .fence(let marker, let length):
            if cursor.indent < 4, closesFence(cursor, marker: marker, length: length) { leaf = .none }
            return true
        case .html(let end):
            if cursor.isBlank, end == .blankLine {
                leaf = .none
                return true
            }
            if HTMLBlock.ends(end, text: text, from: cursor.position, to: cursor.line.end) { leaf = .none }
            return true
        case .indentedCode:
            if cursor.isBlank || cursor.indent >= 4 { return true }
            leaf = .none
            return false
        case .paragraph, .none:
            return false
        }
    }

    // MARK: New blocks

    private mutating func openBlocks(_ cursor: inout LineCursor) {
        while true {
            if cursor.isBlank {
                closeLeaf()
                return
            }
            let paragraphOpen: Bool
            if case .paragraph = leaf { paragraphOpen = true } else { paragraphOpen = false }
            if cursor.indent >= 4 {
                if paragraphOpen {
                    paragraph.append(segment(cursor))
                } else {
                    leaf = .indentedCode
                }
                return
            }
            // markdown-it keeps a continuation line's indentation beyond its container's.
            let contentStart = cursor
            cursor.skipIndent()
            let p = cursor.position, end = cursor.line.end
            let byte = text.bytes[p]
            if byte == ASCII.greaterThan {
                closeLeaf()
                containers.append(.quote)
                cursor.advance()
                cursor.skipOneSpace()
                continue
            }
            if let level = atxLevel(p, end) {
                closeLeaf()
                heading(level: level, cursor)
                return
            }
            if let fence = fenceOpening(p, end) {
                closeLeaf()
                leaf = .fence(marker: fence.marker, length: fence.length)
                return
            }
            if let kind = HTMLBlock.start(text: text, at: p, end: end, interruptingParagraph: paragraphOpen) {
                closeLeaf()
                leaf = HTMLBlock.ends(kind, text: text, from: p, to: end) ? .none : .html(kind)
                return
            }
            if paragraphOpen, let level = setextLevel(p, end) {
                closeParagraph(headingLevel: level)
                return
            }
            if isThematicBreak(p, end) {
                closeLeaf()
                return
            }
            if let item = listItem(cursor, interruptingParagraph: paragraphOpen) {
                closeLeaf()
                containers.append(.item(contentColumn: item.contentColumn, blankStart: item.blank, hasContent: !item.blank))
                listFlag = true
                cursor.skipColumns(to: item.contentColumn, from: item.markerEnd)
                continue
            }
            if !paragraphOpen { leaf = .paragraph }
            paragraph.append(segment(paragraphOpen ? contentStart : cursor))
            return
        }
    }

    /// Whether the rest of the line would start a block that ends a paragraph (so it is not a
    /// lazy continuation line).
    /// A list marker here is a sibling item, never a paragraph interruption, so any marker counts.
    private func startsBlock(_ cursor: LineCursor) -> Bool {
        guard cursor.indent < 4 else { return false }
        var probe = cursor
        probe.skipIndent()
        let p = probe.position, end = probe.line.end
        return text.bytes[p] == ASCII.greaterThan || atxLevel(p, end) != nil || fenceOpening(p, end) != nil
            || HTMLBlock.start(text: text, at: p, end: end, interruptingParagraph: true) != nil
            || isThematicBreak(p, end) || listItem(probe, interruptingParagraph: false) != nil
    }

    // MARK: Closing

    private mutating func closeContainers(from depth: Int) {
        closeLeaf()
        while containers.count > depth {
            if case .item = containers.removeLast() { listFlag = false }
        }
    }

    private mutating func closeLeaf() {
        if case .paragraph = leaf { closeParagraph(headingLevel: nil) }
        leaf = .none
    }

    private mutating func closeParagraph(headingLevel: Int?) {
        leaf = .none
        var segments = paragraph
        paragraph.removeAll(keepingCapacity: true)
        definitions.consume(&segments, text: text)
        guard !segments.isEmpty else { return }
        if let level = headingLevel {
            let first = segments[0]
            let title = segments.map { text.string($0.start, $0.end) }.joined(separator: "\n")
            headings.append(Heading(level: level, text: title, span: text.span(first.line, first.start, first.end)))
        }
        emit(segments)
    }

    private mutating func heading(level: Int, _ cursor: LineCursor) {
        let (start, end) = atxText(cursor.position + level, cursor.line.end)
        let (spanStart, spanEnd) = text.trimmed(cursor.position, cursor.line.end)
        headings.append(Heading(level: level, text: text.string(start, end), span: text.span(cursor.line, spanStart, spanEnd)))
        emit([ContentSegment(line: cursor.line, start: start, end: end)])
    }

    private mutating func emit(_ segments: [ContentSegment]) {
        let inQuote = containers.contains { if case .quote = $0 { return true } else { return false } }
        blocks.append(InlineBlock(segments: segments, inListItem: listFlag, inQuote: inQuote))
    }

    // MARK: Segments

    private func segment(_ cursor: LineCursor) -> ContentSegment {
        ContentSegment(line: cursor.line, start: cursor.position, end: cursor.line.end)
    }

    /// A lazy line keeps the indentation beyond the innermost list item's, as markdown-it does.
    private func lazySegment(_ cursor: LineCursor) -> ContentSegment {
        var probe = cursor
        let column = containers.reversed().lazy.compactMap { container -> Int? in
            if case .item(let column, _, _) = container { return column } else { return nil }
        }.first ?? 0
        probe.skipColumns(to: max(column, probe.column))
        return segment(probe)
    }

    // MARK: Line shapes

    /// `#`…`######` followed by a blank or the end of the line.
    private func atxLevel(_ p: Int, _ end: Int) -> Int? {
        var i = p
        while i < end, text.bytes[i] == ASCII.hash { i += 1 }
        let level = i - p
        guard (1...6).contains(level), i == end || ASCII.isBlank(text.bytes[i]) else { return nil }
        return level
    }

    /// An ATX heading's text, without the optional closing `###` sequence.
    private func atxText(_ from: Int, _ end: Int) -> (Int, Int) {
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

    /// `===` (level 1) or `---` (level 2) under a paragraph.
    private func setextLevel(_ p: Int, _ end: Int) -> Int? {
        let marker = text.bytes[p]
        guard marker == ASCII.equals || marker == ASCII.dash else { return nil }
        var i = p
        while i < end, text.bytes[i] == marker { i += 1 }
        guard text.trimmed(i, end).0 == end else { return nil }
        return marker == ASCII.equals ? 1 : 2
    }

    /// A run of three or more backticks (with no backtick after it) or tildes.
    private func fenceOpening(_ p: Int, _ end: Int) -> (marker: UInt8, length: Int)? {
        let marker = text.bytes[p]
        guard marker == ASCII.backtick || marker == ASCII.tilde else { return nil }
        var i = p
        while i < end, text.bytes[i] == marker { i += 1 }
        let length = i - p
        guard length >= 3 else { return nil }
        if marker == ASCII.backtick, (i..<end).contains(where: { text.bytes[$0] == ASCII.backtick }) { return nil }
        return (marker, length)
    }

    private func closesFence(_ cursor: LineCursor, marker: UInt8, length: Int) -> Bool {
        var probe = cursor
        probe.skipIndent()
        var i = probe.position
        while i < probe.line.end, text.bytes[i] == marker { i += 1 }
        return i - probe.position >= length && text.trimmed(i, probe.line.end).0 == probe.line.end
    }

    /// `---`, `***`, `___`, `- - -`: a horizontal rule.
    private func isThematicBreak(_ p: Int, _ end: Int) -> Bool {
        let marker = text.bytes[p]
        guard marker == ASCII.dash || marker == ASCII.star || marker == ASCII.underscore else { return false }
        var count = 0
        for i in p..<end {
            if text.bytes[i] == marker { count += 1 } else if !ASCII.isBlank(text.bytes[i]) { return false }
        }
        return count >= 3
    }

    /// A list marker (`-`, `*`, `+`, `1.`, `1)`) at the cursor: where its text starts (in
    /// columns), where the marker ends, and whether the item is empty on this line.
    private func listItem(_ cursor: LineCursor, interruptingParagraph: Bool)
        -> (contentColumn: Int, markerEnd: Int, blank: Bool)? {
        var probe = cursor
        probe.skipIndent()
        let p = probe.position, end = probe.line.end
        let bytes = text.bytes
        var i = p
        if bytes[i] == ASCII.dash || bytes[i] == ASCII.star || bytes[i] == ASCII.plus {
            i += 1
        } else {
            while i < end, i - p < 9, ASCII.isDigit(bytes[i]) { i += 1 }
            guard i > p, i < end, bytes[i] == ASCII.dot || bytes[i] == ASCII.closeParen else { return nil }
            if interruptingParagraph, !(i - p == 1 && bytes[p] == UInt8(ascii: "1")) { return nil }
            i += 1
        }
        guard i == end || ASCII.isBlank(bytes[i]) else { return nil }
        let markerColumn = probe.column + (i - p)
        probe.position = i
        probe.column = markerColumn
        let blank = probe.isBlank
        if interruptingParagraph, blank { return nil }
        let spaces = probe.indent
        let contentColumn = blank || spaces > 4 ? markerColumn + 1 : markerColumn + spaces
        return (contentColumn, i, blank)
    }
}

/// A position on a line with its column (tabs to the next multiple of 4).
struct LineCursor {
    let text: NoteText
    let line: LineRef
    var position: Int
    var column = 0

    init(text: NoteText, line: LineRef) {
        self.text = text
        self.line = line
        self.position = line.start
    }

    var peek: UInt8? {
        var i = position
        while i < line.end, ASCII.isBlank(text.bytes[i]) { i += 1 }
        return i < line.end ? text.bytes[i] : nil
    }

    /// Columns of blanks from the cursor to the next other character.
    var indent: Int {
        var i = position
        var col = column
        while i < line.end, ASCII.isBlank(text.bytes[i]) {
            col += text.bytes[i] == ASCII.tab ? 4 - col % 4 : 1
            i += 1
        }
        return col - column
    }

    var isBlank: Bool { peek == nil }

    mutating func advance() {
        position += 1
        column += 1
    }

    mutating func skipIndent() {
        while position < line.end, ASCII.isBlank(text.bytes[position]) { step() }
    }

    /// After a `>`: one space, or one column of a tab (the whole tab, as an approximation).
    mutating func skipOneSpace() {
        if position < line.end, ASCII.isBlank(text.bytes[position]) { step() }
    }

    /// Skips blanks until `target` columns (from `from` if given: the end of a list marker).
    mutating func skipColumns(to target: Int, from: Int? = nil) {
        if let from {
            column += from - position
            position = from
        }
        while column < target, position < line.end, ASCII.isBlank(text.bytes[position]) { step() }
    }

    private mutating func step() {
        column += text.bytes[position] == ASCII.tab ? 4 - column % 4 : 1
        position += 1
    }
}
