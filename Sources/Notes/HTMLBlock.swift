/// CommonMark's seven kinds of HTML block (markdown-it follows them): how one starts, and what
/// ends it. Basic Memory reads nothing inside one.
enum HTMLBlock {
    enum End: Equatable {
        case literal(StaticString)   // kinds 1–5: a line containing this ends the block
        case blankLine               // kinds 6–7
        static func == (a: End, b: End) -> Bool {
            switch (a, b) {
            case (.blankLine, .blankLine): return true
            case (.literal(let x), .literal(let y)): return x.description == y.description
            default: return false
            }
        }
    }

    private static let rawTextTags: [(String, StaticString)] = [
        ("script", "</script>"), ("pre", "</pre>"), ("style", "</style>"), ("textarea", "</textarea>"),
    ]

    private static let blockTags: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
        "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
        "optgroup", "option", "p", "param", "search", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "title", "tr", "track", "ul",
    ]

    /// The kind of HTML block starting at `p` (after the indentation), if any.
    static func start(text: NoteText, at p: Int, end: Int, interruptingParagraph: Bool) -> End? {
        let bytes = text.bytes
        guard bytes[p] == ASCII.lessThan, p + 1 < end else { return nil }
        if text.matches("<!--", at: p, limit: end) { return .literal("-->") }
        if text.matches("<?", at: p, limit: end) { return .literal("?>") }
        if text.matches("<![CDATA[", at: p, limit: end) { return .literal("]]>") }
        if bytes[p + 1] == ASCII.bang, p + 2 < end, isLetter(bytes[p + 2]) { return .literal(">") }

        let closing = bytes[p + 1] == ASCII.slash
        var i = p + (closing ? 2 : 1)
        let nameStart = i
        while i < end, ASCII.isAlphanumeric(bytes[i]) || bytes[i] == ASCII.dash { i += 1 }
        guard i > nameStart, isLetter(bytes[nameStart]) else { return nil }
        let name = text.string(nameStart, i).lowercased()
        let boundary = i == end || ASCII.isBlank(bytes[i]) || bytes[i] == ASCII.greaterThan
        if !closing, boundary, let raw = rawTextTags.first(where: { $0.0 == name }) { return .literal(raw.1) }
        if blockTags.contains(name),
           boundary || (bytes[i] == ASCII.slash && i + 1 < end && bytes[i + 1] == ASCII.greaterThan) {
            return .blankLine
        }
        guard !interruptingParagraph, let tagEnd = completeTag(text, from: i, end: end, closing: closing),
              text.trimmed(tagEnd, end).0 == end else { return nil }
        return .blankLine
    }

    /// Whether the line from `from` holds the end of a block of kind 1–5.
    static func ends(_ kind: End, text: NoteText, from: Int, to end: Int) -> Bool {
        guard case .literal(let literal) = kind else { return false }
        if literal.description.hasPrefix("</") {
            // The raw-text closers are case-insensitive.
            return text.string(from, end).lowercased().contains(literal.description)
        }
        return text.find(literal, from: from, to: end) != nil
    }

    /// The end of an open tag's attributes and `>` (or a closing tag's `>`), from just after its name.
    private static func completeTag(_ text: NoteText, from start: Int, end: Int, closing: Bool) -> Int? {
        let bytes = text.bytes
        var i = start
        func skipBlanks() -> Bool {
            let before = i
            while i < end, ASCII.isBlank(bytes[i]) { i += 1 }
            return i > before
        }
        if closing {
            _ = skipBlanks()
            return i < end && bytes[i] == ASCII.greaterThan ? i + 1 : nil
        }
        while true {
            let spaced = skipBlanks()
            guard i < end else { return nil }
            if bytes[i] == ASCII.greaterThan { return i + 1 }
            if bytes[i] == ASCII.slash { return i + 1 < end && bytes[i + 1] == ASCII.greaterThan ? i + 2 : nil }
            guard spaced, isLetter(bytes[i]) || bytes[i] == ASCII.underscore || bytes[i] == ASCII.colon else { return nil }
            while i < end, ASCII.isAlphanumeric(bytes[i]) || [ASCII.underscore, ASCII.dot, ASCII.colon, ASCII.dash].contains(bytes[i]) { i += 1 }
            let beforeValue = i
            _ = skipBlanks()
            guard i < end, bytes[i] == ASCII.equals else { i = beforeValue; continue }
            i += 1
            _ = skipBlanks()
            guard i < end else { return nil }
            let quote = bytes[i]
            if quote == ASCII.doubleQuote || quote == ASCII.singleQuote {
                i += 1
                while i < end, bytes[i] != quote { i += 1 }
                guard i < end else { return nil }
                i += 1
            } else {
                let valueStart = i
                while i < end, !ASCII.isBlank(bytes[i]), ![ASCII.doubleQuote, ASCII.singleQuote, ASCII.equals,
                                                          ASCII.lessThan, ASCII.greaterThan, ASCII.backtick].contains(bytes[i]) { i += 1 }
                guard i > valueStart else { return nil }
            }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
}
