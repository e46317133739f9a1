/// What the body scan found, in order of appearance.
struct BodyStructure {
    var observations: [Observation] = []
    var relations: [Relation] = []
    var headings: [Heading] = []
    var tagOccurrences: [TagOccurrence] = []
}

/// Reads one block's inline content (a paragraph, a heading: every line of it, as markdown-it
/// hands it to Basic Memory's plugins) for observations, relations and tags, with Basic Memory's
/// rules (`markdown/plugins.py`): an observation is `[category] text` or text with a `#word`;
/// `type [[Target]]` filling a list item is a relation; any other `[[…]]` and markdown link is
/// `links_to`.
struct InlineScanner {
    let text: NoteText
    /// The note's folder, for resolving relative markdown links ("" at the root).
    let folder: String

    func scan(_ block: InlineBlock, definitions: LinkDefinitions, into found: inout BodyStructure) {
        let content = InlineContent(text: text, segments: block.segments)
        let reader = ContentReader(content: content, source: text)
        let (start, end) = reader.stripped(0, content.bytes.count)
        guard start < end else { return }
        scanRelations(reader, start, end, inListItem: block.inListItem, definitions: definitions, into: &found)
        if !block.inQuote { scanObservation(reader, start, end, into: &found) }
    }

    // MARK: Relations

    private func scanRelations(_ r: ContentReader, _ start: Int, _ end: Int, inListItem: Bool,
                               definitions: LinkDefinitions, into found: inout BodyStructure) {
        var lineRelations: [(Int, Relation)] = []
        // An inline link needs `](`; a reference link a definition and a `]` (autolinks are URLs, never files).
        if r.find("](", start, end) != nil || (!definitions.isEmpty && r.contains(ASCII.closeBracket, start, end)) {
            lineRelations += markdownLinks(r, start, end, definitions: definitions)
        }
        if r.find("[[", start, end) != nil {
            let code = r.codeSpans(start, end)
            let (directiveEnd, hasDirective) = r.linksToDirective(start, end, blanking: code)
            if inListItem, !hasDirective, let explicit = explicitRelation(r, start, end, code: code) {
                lineRelations.append((start, explicit))
            } else {
                lineRelations += wikiLinks(r, start, directiveEnd, code: code)
            }
        }
        lineRelations.sort { $0.0 < $1.0 }
        found.relations += lineRelations.map(\.1)
    }

    /// `[[…]]` links outside code spans and not escaped by an odd run of `\`; nested brackets
    /// are matched so the outermost link wins, and an unclosed `[[` ends the search.
    private func wikiLinks(_ r: ContentReader, _ from: Int, _ to: Int, code: [Range<Int>]) -> [(Int, Relation)] {
        var links: [(Int, Relation)] = []
        var i = from
        while let open = r.findUnmasked("[[", i, to, code: code) {
            if r.isEscaped(open, from) { i = open + 2; continue }
            var depth = 1
            var pos = open + 2
            var close: Int?
            while pos < to {
                if r.matchesUnmasked("[[", pos, to, code: code), !r.isEscaped(pos, from) {
                    depth += 1
                    pos += 2
                } else if r.matchesUnmasked("]]", pos, to, code: code), !r.isEscaped(pos, from) {
                    depth -= 1
                    if depth == 0 { close = pos; break }
                    pos += 2
                } else {
                    pos += 1
                }
            }
            guard let close else { break }
            i = close + 2
            // A line break inside [[…]] is a typo, not a title (Basic Memory keeps it; see the compat doc).
            guard r.lineEnd(open + 2, close) == close,
                  let (target, alias) = linkTarget(r, (open + 2)..<close) else { continue }
            links.append((open, Relation(type: "links_to", target: target, alias: alias, context: nil,
                                         span: r.span(open, close + 2), isInline: true)))
        }
        return links
    }

    /// `type [[Target]]`, `type [[Target]] (context)` or `"multi word" [[Target]]` filling a
    /// whole list item; nil when the item is prose with a link in it.
    private func explicitRelation(_ r: ContentReader, _ from: Int, _ to: Int, code: [Range<Int>]) -> Relation? {
        guard let open = r.findUnmasked("[[", from, to, code: code) else { return nil }
        let (typeStart, typeEnd) = r.stripped(from, open)
        guard typeStart < typeEnd else { return nil }
        let type: String
        let quote = r.bytes[typeStart]
        if quote == ASCII.doubleQuote || quote == ASCII.singleQuote, r.bytes[typeEnd - 1] == quote {
            // A lone quote is a quote with nothing in it: no type.
            let (labelStart, labelEnd) = r.stripped(typeStart + 1, max(typeStart + 1, typeEnd - 1))
            guard labelStart < labelEnd else { return nil }
            type = r.string(labelStart, labelEnd)
        } else {
            if (typeStart..<typeEnd).contains(where: { ContentReader.isSpace(r.bytes[$0]) }) { return nil }
            type = r.string(typeStart, typeEnd)
        }
        guard let close = r.findUnmasked("]]", open + 2, to, code: code),
              let (target, alias) = linkTarget(r, (open + 2)..<close) else { return nil }
        let (tailStart, tailEnd) = r.stripped(close + 2, to)
        var context: String?
        if tailStart < tailEnd {
            guard r.isSingleParenthesized(tailStart, tailEnd, code: code) else { return nil }
            let (innerStart, innerEnd) = r.stripped(tailStart + 1, tailEnd - 1)
            context = innerStart < innerEnd ? r.string(innerStart, innerEnd) : nil
        }
        return Relation(type: type, target: target, alias: alias, context: context,
                        span: r.span(open, close + 2), isInline: false)
    }

    /// The target and alias written inside `[[…]]`: `Target|alias`, `proj::note` → `proj/note`.
    private func linkTarget(_ r: ContentReader, _ inner: Range<Int>) -> (String, String?)? {
        var raw = r.string(inner.lowerBound, inner.upperBound)
        var alias: String?
        if let bar = raw.firstIndex(of: "|") {
            let written = raw[raw.index(after: bar)...].trimmingWhitespace()
            alias = written.isEmpty ? nil : String(written)
            raw = String(raw[..<bar])
        }
        let target = NoteLinks.projectReference(String(raw.trimmingWhitespace()))
        return target.isEmpty ? nil : (target, alias)
    }

    /// Markdown links (inline, reference, autolink) naming a local file, resolved against the note's folder.
    private func markdownLinks(_ r: ContentReader, _ from: Int, _ to: Int, definitions: LinkDefinitions) -> [(Int, Relation)] {
        let bytes = from == 0 && to == r.bytes.count ? r.bytes : Array(r.bytes[from..<to])
        return InlineLinks.find(in: bytes, definitions: definitions).compactMap { link in
            guard let target = NoteLinks.resolveMarkdownPath(link.destination, folder: folder) else { return nil }
            let start = from + link.start
            let (labelStart, labelEnd) = r.stripped(start + 1, from + link.textEnd)
            let label = r.string(labelStart, max(labelStart, labelEnd))
            var relation = Relation(type: "links_to", target: target, alias: label.isEmpty ? nil : label,
                                    context: nil, span: r.span(start, from + link.end), isInline: true)
            relation.isMarkdownLink = true
            return (start, relation)
        }
    }

    // MARK: Observations and tags

    private func scanObservation(_ r: ContentReader, _ from: Int, _ stop: Int, into found: inout BodyStructure) {
        let to = r.linksToDirective(from, stop, blanking: []).end
        guard from < to else { return }
        if r.matches("[ ]", from, to) || r.matches("[x]", from, to) || r.matches("[-]", from, to) { return }
        let firstLineEnd = r.lineEnd(from, to)
        if firstLineEnd == to, isWholeMarkdownLink(r, from, to) { return }
        if firstLineEnd == to, r.matches("[[", from, to), to - from >= 4, r.matches("]]", to - 2, to) { return }

        var category: String?
        var contentStart = from
        var contentEnd = to
        if let (name, rest) = categoryPrefix(r, from, to) {
            category = name
            (contentStart, contentEnd) = r.stripped(rest, r.lineEnd(rest, to))
        } else if !hasTagWord(r, from, to) {
            return
        } else if r.matches("[]", from, to), from + 2 < to, ContentReader.isSpace(r.bytes[from + 2]) {
            let rest = r.stripped(from + 2, to).0
            (contentStart, contentEnd) = r.stripped(rest, r.lineEnd(rest, to))
        }

        if let peeled = TemporalQualifier.contentStart(r.bytes, contentStart, contentEnd) { contentStart = peeled }

        var context: String?
        if contentEnd > contentStart, r.bytes[contentEnd - 1] == ASCII.closeParen,
           let open = r.lastIndex(of: ASCII.openParen, contentStart, contentEnd) {
            let (innerStart, innerEnd) = r.stripped(open + 1, contentEnd - 1)
            context = r.string(innerStart, max(innerStart, innerEnd))
            contentEnd = r.stripped(contentStart, open).1
        }
        guard contentStart < contentEnd else { return }

        let tags = tagWords(r, contentStart, contentEnd)
        found.tagOccurrences += tags.compactMap { $0.name.isEmpty ? nil : $0 }
        found.observations.append(Observation(category: category ?? "note",
                                              content: r.string(contentStart, contentEnd),
                                              tags: tags.map(\.name), context: context,
                                              span: r.span(from, min(to, firstLineEnd))))
    }

    /// `[category]` followed by whitespace and text; timestamps and task markers are not categories.
    /// Returns the category and where the text starts (Basic Memory keeps that line only).
    private func categoryPrefix(_ r: ContentReader, _ from: Int, _ to: Int) -> (String, Int)? {
        let bytes = r.bytes
        guard bytes[from] == ASCII.openBracket else { return nil }
        var j = from + 1
        while j < to, bytes[j] != ASCII.openBracket, bytes[j] != ASCII.closeBracket,
              bytes[j] != ASCII.openParen, bytes[j] != ASCII.closeParen { j += 1 }
        guard j + 1 < to, j > from + 1, bytes[j] == ASCII.closeBracket, ContentReader.isSpace(bytes[j + 1]) else {
            return nil
        }
        var rest = j + 1
        while rest < to, ContentReader.isSpace(bytes[rest]) { rest += 1 }
        guard rest < to else { return nil }
        let (nameStart, nameEnd) = r.stripped(from + 1, j)
        guard nameStart < nameEnd, !isTimestamp(r, nameStart, nameEnd), !isTaskMarker(r, nameStart, nameEnd) else { return nil }
        return (r.string(nameStart, nameEnd), rest)
    }

    /// One-character categories other than letters and digits (and `x`/`X`) are task-box markers.
    private func isTaskMarker(_ r: ContentReader, _ from: Int, _ to: Int) -> Bool {
        let name = r.string(from, to)
        guard name.unicodeScalars.count == 1, let character = name.first else { return false }
        return character == "x" || character == "X" || !(character.isLetter || character.isNumber)
    }

    /// `[00:01:02]`, `[1:02.500]`, `[00:01 - 00:02]`: transcript time codes, not categories.
    private func isTimestamp(_ r: ContentReader, _ from: Int, _ to: Int) -> Bool {
        var i = from
        guard clockValue(r, &i, to) else { return false }
        if i == to { return true }
        var j = i
        while j < to, ContentReader.isSpace(r.bytes[j]) { j += 1 }
        guard j > i, j < to, r.bytes[j] == ASCII.dash else { return false }
        j += 1
        let afterDash = j
        while j < to, ContentReader.isSpace(r.bytes[j]) { j += 1 }
        guard j > afterDash, clockValue(r, &j, to) else { return false }
        return j == to
    }

    /// Consumes `\d{1,3}:\d{2}(:\d{2})?([.,]\d{1,3})?`.
    private func clockValue(_ r: ContentReader, _ i: inout Int, _ to: Int) -> Bool {
        func digits(_ min: Int, _ max: Int) -> Bool {
            var n = 0
            while i < to, n < max, ASCII.isDigit(r.bytes[i]) { i += 1; n += 1 }
            return n >= min
        }
        guard digits(1, 3), i < to, r.bytes[i] == ASCII.colon else { return false }
        i += 1
        guard digits(2, 2) else { return false }
        if i < to, r.bytes[i] == ASCII.colon {
            i += 1
            guard digits(2, 2) else { return false }
        }
        if i < to, r.bytes[i] == ASCII.dot || r.bytes[i] == ASCII.comma {
            i += 1
            guard digits(1, 3) else { return false }
        }
        return true
    }

    /// A single line that is a markdown link as a whole (`[t](url)`, even with text after the first one).
    private func isWholeMarkdownLink(_ r: ContentReader, _ from: Int, _ to: Int) -> Bool {
        guard r.bytes[from] == ASCII.openBracket, r.bytes[to - 1] == ASCII.closeParen,
              let textEnd = r.find("](", from + 1, to) else { return false }
        return textEnd + 1 < to - 1
    }

    /// Whether a whitespace-separated word starts with `#` (code spans included, as in Basic Memory).
    private func hasTagWord(_ r: ContentReader, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while let hash = r.find("#", i, to) {
            if hash == from || ContentReader.isSpace(r.bytes[hash - 1]) { return true }
            i = hash + 1
        }
        return false
    }

    /// Every `#tag` in words that start with `#` (`#a#b` holds two tags; a lone `#` an empty one).
    private func tagWords(_ r: ContentReader, _ from: Int, _ to: Int) -> [TagOccurrence] {
        var tags: [TagOccurrence] = []
        var i = from
        while i < to {
            while i < to, ContentReader.isSpace(r.bytes[i]) { i += 1 }
            let wordStart = i
            while i < to, !ContentReader.isSpace(r.bytes[i]) { i += 1 }
            guard wordStart < i, r.bytes[wordStart] == ASCII.hash else { continue }
            if !r.contains(ASCII.hash, wordStart + 1, i) {
                tags.append(TagOccurrence(name: r.string(wordStart + 1, i), span: r.span(wordStart, i)))
                continue
            }
            var hash = wordStart
            while hash < i {
                var end = hash + 1
                while end < i, r.bytes[end] != ASCII.hash { end += 1 }
                if end > hash + 1 {
                    tags.append(TagOccurrence(name: r.string(hash + 1, end), span: r.span(hash, end)))
                }
                hash = end
            }
        }
        return tags
    }
}
