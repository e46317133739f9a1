/// Link reference definitions (`[label]: destination "title"`) of a note: markdown-it takes them
/// out of the paragraphs they start, and `[text][label]`, `[label][]` and `[label]` links use them.
struct LinkDefinitions {
    private var destinations: [String: String] = [:]

    var isEmpty: Bool { destinations.isEmpty }

    func destination(of label: String) -> String? {
        destinations[Self.normalized(label)]
    }

    /// Removes the definitions that open a paragraph (whole lines only) and records them; the
    /// first definition of a label wins.
    mutating func consume(_ segments: inout [ContentSegment], text: NoteText) {
        guard let first = segments.first, first.start < first.end, text.bytes[first.start] == ASCII.openBracket else { return }
        let content = InlineContent(text: text, segments: segments)
        var position = 0
        var linesConsumed = 0
        while let (label, destination, end) = Self.definition(in: content.bytes, at: position) {
            let key = Self.normalized(label)
            if !key.isEmpty, destinations[key] == nil { destinations[key] = destination }
            // A definition ends at a line end: the lines it took are the line breaks in it (plus the last line).
            linesConsumed += content.bytes[position..<end].reduce(0) { $1 == ASCII.newline ? $0 + 1 : $0 }
            position = end
            if end == content.bytes.count {
                linesConsumed += 1
                break
            }
        }
        segments.removeFirst(min(linesConsumed, segments.count))
    }

    /// Case-folded, inner whitespace collapsed.
    static func normalized(_ label: String) -> String {
        label.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    /// A definition starting at `start` (a line start) and ending at a line end; the offset just
    /// past its line break.
    private static func definition(in bytes: [UInt8], at start: Int) -> (String, String, Int)? {
        var i = start
        let count = bytes.count
        guard i < count, bytes[i] == ASCII.openBracket else { return nil }
        i += 1
        let labelStart = i
        while i < count, bytes[i] != ASCII.closeBracket {
            if bytes[i] == ASCII.openBracket { return nil }
            if bytes[i] == ASCII.backslash { i += 1 }
            i += 1
        }
        guard i < count, i - labelStart <= 999, i + 1 < count, bytes[i + 1] == ASCII.colon else { return nil }
        let label = String(decoding: bytes[labelStart..<i], as: UTF8.self)
        guard label.contains(where: { !$0.isWhitespace }) else { return nil }
        i += 2
        i = skipSpace(bytes, i, newlines: 1)
        guard let (destination, afterDestination) = InlineLinks.destination(bytes, i, allowEmpty: false) else { return nil }
        let destinationLineEnd = lineEnd(bytes, afterDestination)
        // A title, on the same line or the next, ending its line; without one the line must end.
        let beforeTitle = skipSpace(bytes, afterDestination, newlines: 1)
        var titles = InlineLinks.TitleScan()
        if beforeTitle > afterDestination, let afterTitle = InlineLinks.title(bytes, beforeTitle, scan: &titles),
           let end = lineEnd(bytes, afterTitle) {
            return (label, destination, end)
        }
        guard let end = destinationLineEnd else { return nil }
        return (label, destination, end)
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int, newlines: Int) -> Int {
        var i = start
        var left = newlines
        while i < bytes.count, ASCII.isBlank(bytes[i]) || (bytes[i] == ASCII.newline && left > 0) {
            if bytes[i] == ASCII.newline { left -= 1 }
            i += 1
        }
        return i
    }

    /// Past the line break if only blanks follow `start` on its line.
    private static func lineEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        var i = start
        while i < bytes.count, ASCII.isBlank(bytes[i]) { i += 1 }
        if i == bytes.count { return i }
        return bytes[i] == ASCII.newline ? i + 1 : nil
    }
}

/// A block's inline content as one byte string (segments joined by `\n`), with the way back to
/// source positions.
struct InlineContent {
    let bytes: [UInt8]
    /// Where each segment starts in `bytes`.
    let starts: [Int]
    let segments: [ContentSegment]

    init(text: NoteText, segments: [ContentSegment]) {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for (index, segment) in segments.enumerated() {
            if index > 0 { bytes.append(ASCII.newline) }
            starts.append(bytes.count)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text.bytes[segment.start..<segment.end]))
        }
        self.bytes = bytes
        self.starts = starts
        self.segments = segments
    }

    /// The segment holding content offset `offset`, and the source offset it maps to.
    func source(of offset: Int) -> (segment: ContentSegment, offset: Int) {
        // The last segment starting at or before `offset`.
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let index = low
        let segment = segments[index]
        return (segment, min(segment.start + (offset - starts[index]), segment.end))
    }
}

/// CommonMark inline links as markdown-it finds them (the `link_open` tokens Basic Memory turns
/// into `links_to` relations): `[text](destination)`, `[text][label]`, `[label][]`, `[label]`,
/// and autolinks; not inside code spans, raw HTML or image descriptions, and never nested.
enum InlineLinks {
    struct Link {
        var start: Int          // the `[`
        var textEnd: Int        // the `]` closing the link text
        var end: Int            // past the closing `)` or `]`
        var destination: String // backslash escapes removed
    }

    private struct Opener {
        var position: Int
        var isImage: Bool
    }

    /// Where a title's closing quote was last looked for in vain, per quote character: a later
    /// search from further on fails too, so a text full of unclosed titles stays linear.
    struct TitleScan {
        var unclosedFrom: [UInt8: Int] = [:]
    }

    static func find(in bytes: [UInt8], definitions: LinkDefinitions) -> [Link] {
        var links: [Link] = []
        var openers: [Opener] = []
        // Openers below this index were there when a link formed: links do not nest, so they are spent.
        var linkFloor = 0
        var images: [Range<Int>] = []
        let code = CodeSpans.find(bytes, 0, bytes.count)
        var nextCode = 0
        var titles = TitleScan()
        let count = bytes.count
        var i = 0
        while i < count {
            switch bytes[i] {
            case ASCII.backslash:
                i += 2
            case ASCII.backtick:
                while nextCode < code.count, code[nextCode].lowerBound < i { nextCode += 1 }
                if nextCode < code.count, code[nextCode].lowerBound == i {
                    i = code[nextCode].upperBound
                } else {
                    while i < count, bytes[i] == ASCII.backtick { i += 1 }
                }
            case ASCII.lessThan:
                i = autolinkOrTagEnd(bytes, i, links: &links)
            case ASCII.bang where i + 1 < count && bytes[i + 1] == ASCII.openBracket:
                openers.append(Opener(position: i + 1, isImage: true))
                i += 2
            case ASCII.openBracket:
                openers.append(Opener(position: i, isImage: false))
                i += 1
            case ASCII.closeBracket:
                guard let opener = openers.popLast() else { i += 1; continue }
                let active = opener.isImage || openers.count >= linkFloor
                guard active, let (destination, end) = target(bytes, after: i, textStart: opener.position + 1,
                                                              definitions: definitions, titles: &titles) else {
                    i += 1
                    continue
                }
                if opener.isImage {
                    images.append(opener.position..<end)
                } else {
                    links.append(Link(start: opener.position, textEnd: i, end: end, destination: destination))
                    linkFloor = openers.count
                }
                i = end
            default:
                i += 1
            }
        }
        return links.filter { link in !images.contains { $0.contains(link.start) } }
    }

    /// What follows `]` at `close`: `(dest "title")`, `[label]`, `[]` or nothing (the text is the label).
    private static func target(_ bytes: [UInt8], after close: Int, textStart: Int,
                               definitions: LinkDefinitions, titles: inout TitleScan) -> (String, Int)? {
        let count = bytes.count
        var i = close + 1
        if i < count, bytes[i] == ASCII.openParen {
            var j = skipWhitespace(bytes, i + 1)
            if j < count, bytes[j] == ASCII.closeParen { return ("", j + 1) }
            if let (destination, afterDestination) = destination(bytes, j, allowEmpty: true) {
                j = skipWhitespace(bytes, afterDestination)
                if j > afterDestination, let afterTitle = title(bytes, j, scan: &titles) { j = skipWhitespace(bytes, afterTitle) }
                if j < count, bytes[j] == ASCII.closeParen { return (destination, j + 1) }
            }
        }
        guard !definitions.isEmpty else { return nil }
        if i < count, bytes[i] == ASCII.openBracket {
            var j = i + 1
            while j < count, bytes[j] != ASCII.closeBracket, bytes[j] != ASCII.openBracket {
                if bytes[j] == ASCII.backslash { j += 1 }
                j += 1
            }
            if j < count, bytes[j] == ASCII.closeBracket {
                let label = j > i + 1 ? bytes[(i + 1)..<j] : bytes[textStart..<close]
                if let destination = definitions.destination(of: String(decoding: label, as: UTF8.self)) {
                    return (destination, j + 1)
                }
                if j > i + 1 { return nil }
            }
            i = close + 1
        }
        let label = String(decoding: bytes[textStart..<close], as: UTF8.self)
        return definitions.destination(of: label).map { ($0, i) }
    }

    /// `<…>` or a run without spaces and with balanced parentheses; escapes removed.
    static func destination(_ bytes: [UInt8], _ start: Int, allowEmpty: Bool) -> (String, Int)? {
        let count = bytes.count
        var out: [UInt8] = []
        var i = start
        if i < count, bytes[i] == ASCII.lessThan {
            i += 1
            while i < count, bytes[i] != ASCII.greaterThan {
                if bytes[i] == ASCII.newline || bytes[i] == ASCII.lessThan { return nil }
                if bytes[i] == ASCII.backslash, i + 1 < count, isPunctuation(bytes[i + 1]) { i += 1 }
                out.append(bytes[i])
                i += 1
            }
            guard i < count else { return nil }
            return (String(decoding: out, as: UTF8.self), i + 1)
        }
        var depth = 0
        while i < count, bytes[i] > 0x20, bytes[i] != 0x7F {
            if bytes[i] == ASCII.backslash, i + 1 < count, isPunctuation(bytes[i + 1]) {
                out.append(bytes[i + 1])
                i += 2
                continue
            }
            if bytes[i] == ASCII.openParen { depth += 1; if depth > 32 { return nil } }
            if bytes[i] == ASCII.closeParen {
                if depth == 0 { break }
                depth -= 1
            }
            out.append(bytes[i])
            i += 1
        }
        guard depth == 0, i > start || allowEmpty else { return nil }
        return (String(decoding: out, as: UTF8.self), i)
    }

    /// A link title `"…"`, `'…'` or `(…)`; the offset past it.
    static func title(_ bytes: [UInt8], _ start: Int, scan: inout TitleScan) -> Int? {
        guard start < bytes.count else { return nil }
        let open = bytes[start]
        let close: UInt8
        switch open {
        case ASCII.doubleQuote, ASCII.singleQuote: close = open
        case ASCII.openParen: close = ASCII.closeParen
        default: return nil
        }
        if let from = scan.unclosedFrom[open], from <= start { return nil }
        var i = start + 1
        while i < bytes.count, bytes[i] != close {
            if open == ASCII.openParen, bytes[i] == ASCII.openParen { return nil }
            if bytes[i] == ASCII.backslash { i += 1 }
            i += 1
        }
        guard i < bytes.count else {
            scan.unclosedFrom[open] = start
            return nil
        }
        return i + 1
    }

    /// Past an autolink (recorded: it has a scheme, so it is never a file link, but it ends text)
    /// or a raw HTML tag or comment starting at `start`; else just past the `<`.
    private static func autolinkOrTagEnd(_ bytes: [UInt8], _ start: Int, links: inout [Link]) -> Int {
        var i = start + 1
        while i < bytes.count, bytes[i] != ASCII.greaterThan, bytes[i] != ASCII.lessThan, bytes[i] > 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == ASCII.greaterThan, i > start + 1,
           bytes[(start + 1)..<i].contains(ASCII.colon) || bytes[(start + 1)..<i].contains(UInt8(ascii: "@")) {
            return i + 1
        }
        // A raw tag: a letter or `/` or `!` after `<`, up to the next `>`.
        guard start + 1 < bytes.count else { return start + 1 }
        let next = bytes[start + 1]
        guard next | 0x20 >= 0x61 && next | 0x20 <= 0x7A || next == ASCII.slash || next == ASCII.bang else { return start + 1 }
        var j = start + 1
        var quote: UInt8?
        // A raw tag longer than this is taken as text (bounds the work on a text full of `<`).
        let limit = min(bytes.count, start + 4096)
        while j < limit {
            let byte = bytes[j]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == ASCII.doubleQuote || byte == ASCII.singleQuote {
                quote = byte
            } else if byte == ASCII.greaterThan {
                return j + 1
            } else if byte == ASCII.lessThan {
                break
            }
            j += 1
        }
        return start + 1
    }

    private static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, ASCII.isBlank(bytes[i]) || bytes[i] == ASCII.newline { i += 1 }
        return i
    }

    private static func isPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }
}
