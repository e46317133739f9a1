/// What the body scan found, in order of appearance.
struct BodyStructure {
    var observations: [Observation] = []
    var relations: [Relation] = []
    var headings: [Heading] = []
    var tagOccurrences: [TagOccurrence] = []
}

/// Reads the inline content of one line (a paragraph line, a list item's text after its
/// marker, a heading's text) for observations, relations and tags, Basic Memory's way.
struct InlineScanner {
    let text: NoteText
    /// The note's folder, for resolving relative markdown links ("" at the root).
    let folder: String

    /// A `[[…]]` link: `start..<end` covers the brackets, `inner` the text between them.
    private struct WikiLink {
        var start: Int
        var end: Int
        var inner: Range<Int>
    }

    /// Scans `from..<to` (already trimmed) on `line`.
    func scan(_ line: LineRef, _ from: Int, _ to: Int, inListItem: Bool,
              observations allowObservations: Bool, relations allowRelations: Bool,
              into found: inout BodyStructure) {
        guard from < to else { return }
        let code = codeSpans(from, to)
        if allowRelations {
            scanRelations(line, from, to, inListItem: inListItem, code: code, into: &found)
        }
        if allowObservations {
            scanObservation(line, from, to, code: code, into: &found)
        }
    }

    // MARK: Code spans

    /// Byte ranges of `` `code` `` spans, in order: a run of n backticks closed by the next run
    /// of exactly n; an unmatched run is literal text.
    private func codeSpans(_ from: Int, _ to: Int) -> [Range<Int>] {
        var runs: [(start: Int, length: Int)] = []
        var i = from
        while i < to {
            let byte = text.bytes[i]
            if byte == ASCII.backslash { i += 2; continue }
            guard byte == ASCII.backtick else { i += 1; continue }
            var j = i
            while j < to, text.bytes[j] == ASCII.backtick { j += 1 }
            runs.append((i, j - i))
            i = j
        }
        guard runs.count > 1 else { return [] }
        // For each run, the index of the next run with the same length.
        var nextSameLength = [Int?](repeating: nil, count: runs.count)
        var lastByLength: [Int: Int] = [:]
        for index in runs.indices.reversed() {
            nextSameLength[index] = lastByLength[runs[index].length]
            lastByLength[runs[index].length] = index
        }
        var spans: [Range<Int>] = []
        var index = 0
        while index < runs.count {
            guard let closer = nextSameLength[index] else { index += 1; continue }
            spans.append(runs[index].start..<(runs[closer].start + runs[closer].length))
            index = closer + 1
        }
        return spans
    }

    /// The code span containing `offset`, if any (`code` is sorted and disjoint).
    private func inCode(_ offset: Int, _ code: [Range<Int>]) -> Range<Int>? {
        var low = 0
        var high = code.count
        while low < high {
            let mid = (low + high) / 2
            if code[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low < code.count && code[low].contains(offset) ? code[low] : nil
    }

    // MARK: Relations

    private func scanRelations(_ line: LineRef, _ from: Int, _ to: Int, inListItem: Bool, code: [Range<Int>],
                               into found: inout BodyStructure) {
        let links = wikiLinks(from, to, code: code)
        if inListItem, let explicit = explicitRelation(line, from, to, firstLink: links.first) {
            found.relations.append(explicit)
        } else {
            var lineRelations: [(Int, Relation)] = []
            for link in links {
                guard let (target, alias) = linkTarget(link.inner) else { continue }
                lineRelations.append((link.start, Relation(type: "links_to", target: target, alias: alias, context: nil,
                                                           span: text.span(line, link.start, link.end), isInline: true)))
            }
            lineRelations += markdownLinks(line, from, to, code: code, wikiLinks: links)
            lineRelations.sort { $0.0 < $1.0 }
            found.relations += lineRelations.map(\.1)
        }
    }

    /// `[[…]]` links outside code spans and not escaped with `\[[`; nested brackets are matched
    /// so the outermost link wins, and an unclosed `[[` ends the search, as in Basic Memory.
    private func wikiLinks(_ from: Int, _ to: Int, code: [Range<Int>]) -> [WikiLink] {
        var links: [WikiLink] = []
        var i = from
        while let open = text.find("[[", from: i, to: to) {
            if let span = inCode(open, code) { i = span.upperBound; continue }
            if open > from, text.bytes[open - 1] == ASCII.backslash { i = open + 1; continue }
            var depth = 1
            var pos = open + 2
            var close: Int?
            while pos < to {
                if text.matches("[[", at: pos, limit: to) {
                    depth += 1
                    pos += 2
                } else if text.matches("]]", at: pos, limit: to) {
                    depth -= 1
                    if depth == 0 { close = pos; break }
                    pos += 2
                } else {
                    pos += 1
                }
            }
            guard let close else { break }
            links.append(WikiLink(start: open, end: close + 2, inner: (open + 2)..<close))
            i = close + 2
        }
        return links
    }

    /// `type [[Target]]`, `type [[Target]] (context)` or `"multi word" [[Target]]` filling a
    /// whole list item; nil when the line is prose with a link in it.
    private func explicitRelation(_ line: LineRef, _ from: Int, _ to: Int, firstLink: WikiLink?) -> Relation? {
        guard let open = text.find("[[", from: from, to: to), firstLink?.start == open,
              let close = text.find("]]", from: open + 2, to: to) else { return nil }
        let (typeStart, typeEnd) = text.trimmed(from, open)
        guard typeStart < typeEnd else { return nil }
        let type: String
        let quote = text.bytes[typeStart]
        if (quote == ASCII.doubleQuote || quote == ASCII.singleQuote), typeEnd - typeStart >= 2,
           text.bytes[typeEnd - 1] == quote {
            type = String(text.string(typeStart + 1, typeEnd - 1).trimmingWhitespace())
        } else {
            if (typeStart..<typeEnd).contains(where: { ASCII.isWhitespace(text.bytes[$0]) }) { return nil }
            type = text.string(typeStart, typeEnd)
        }
        guard !type.isEmpty, let (target, alias) = linkTarget((open + 2)..<close) else { return nil }
        let (tailStart, tailEnd) = text.trimmed(close + 2, to)
        var context: String?
        if tailStart < tailEnd {
            guard isSingleParenthesized(tailStart, tailEnd) else { return nil }
            let inner = String(text.string(tailStart + 1, tailEnd - 1).trimmingWhitespace())
            context = inner.isEmpty ? nil : inner
        }
        return Relation(type: type, target: target, alias: alias, context: context,
                        span: text.span(line, open, close + 2), isInline: false)
    }

    /// Whether `from..<to` is one balanced `(…)` group and nothing else.
    private func isSingleParenthesized(_ from: Int, _ to: Int) -> Bool {
        guard text.bytes[from] == ASCII.openParen else { return false }
        var depth = 0
        for i in from..<to {
            if text.bytes[i] == ASCII.openParen { depth += 1 }
            if text.bytes[i] == ASCII.closeParen {
                depth -= 1
                if depth == 0 { return i == to - 1 }
            }
        }
        return false
    }

    /// The target and alias written inside `[[…]]`: `Target|alias`, `proj::note` → `proj/note`.
    private func linkTarget(_ inner: Range<Int>) -> (String, String?)? {
        var raw = text.string(inner.lowerBound, inner.upperBound)
        var alias: String?
        if let bar = raw.firstIndex(of: "|") {
            let written = raw[raw.index(after: bar)...].trimmingWhitespace()
            alias = written.isEmpty ? nil : String(written)
            raw = String(raw[..<bar])
        }
        let target = NoteLinks.projectReference(String(raw.trimmingWhitespace()))
        return target.isEmpty ? nil : (target, alias)
    }

    /// `[text](path.md)` links to local markdown files, resolved against the note's folder.
    private func markdownLinks(_ line: LineRef, _ from: Int, _ to: Int, code: [Range<Int>],
                               wikiLinks: [WikiLink]) -> [(Int, Relation)] {
        var found: [(Int, Relation)] = []
        var i = from
        var nextWikiLink = 0
        while let textEnd = text.find("](", from: i, to: to) {
            i = textEnd + 2
            while nextWikiLink < wikiLinks.count, wikiLinks[nextWikiLink].end <= textEnd { nextWikiLink += 1 }
            let inWikiLink = nextWikiLink < wikiLinks.count && wikiLinks[nextWikiLink].start <= textEnd
            guard let close = (textEnd + 2..<to).first(where: { text.bytes[$0] == ASCII.closeParen }) else { break }
            guard inCode(textEnd, code) == nil, !inWikiLink,
                  let open = openingBracket(before: textEnd, from: from) else { continue }
            if open > from, text.bytes[open - 1] == ASCII.bang { continue }
            let destination = text.string(textEnd + 2, close)
            guard let target = NoteLinks.resolveMarkdownPath(destination, folder: folder) else { continue }
            let label = String(text.string(open + 1, textEnd).trimmingWhitespace())
            found.append((open, Relation(type: "links_to", target: target, alias: label.isEmpty ? nil : label,
                                         context: nil, span: text.span(line, open, close + 1), isInline: true)))
            i = close + 1
        }
        return found
    }

    /// The `[` that opens the link text ending at `textEnd`, with no other bracket between.
    private func openingBracket(before textEnd: Int, from: Int) -> Int? {
        var j = textEnd - 1
        while j >= from {
            let byte = text.bytes[j]
            if byte == ASCII.closeBracket { return nil }
            if byte == ASCII.openBracket {
                if j > from, text.bytes[j - 1] == ASCII.backslash { return nil }
                return j
            }
            j -= 1
        }
        return nil
    }

    // MARK: Observations and tags

    private func scanObservation(_ line: LineRef, _ from: Int, _ to: Int, code: [Range<Int>],
                                 into found: inout BodyStructure) {
        let bytes = text.bytes
        if text.matches("[ ]", at: from, limit: to) || text.matches("[x]", at: from, limit: to)
            || text.matches("[-]", at: from, limit: to) { return }
        if isWholeMarkdownLink(from, to) { return }
        if text.matches("[[", at: from, limit: to), to - from >= 4, text.matches("]]", at: to - 2, limit: to) { return }

        var category: String?
        var contentStart = from
        if let (name, rest) = categoryPrefix(from, to) {
            category = name
            contentStart = rest
        } else if !hasTagWord(from, to, code: code) {
            return
        } else if text.matches("[]", at: from, limit: to), from + 2 < to, ASCII.isWhitespace(bytes[from + 2]) {
            contentStart = text.trimmed(from + 2, to).0
        }

        var contentEnd = to
        var context: String?
        if contentEnd > contentStart, bytes[contentEnd - 1] == ASCII.closeParen,
           let open = (contentStart..<contentEnd).last(where: { bytes[$0] == ASCII.openParen }) {
            let inner = String(text.string(open + 1, contentEnd - 1).trimmingWhitespace())
            context = inner.isEmpty ? nil : inner
            contentEnd = text.trimmed(contentStart, open).1
        }
        guard contentStart < contentEnd else { return }

        let tags = tagWords(line, contentStart, contentEnd, code: code)
        found.tagOccurrences += tags
        found.observations.append(Observation(category: category ?? "note",
                                              content: text.string(contentStart, contentEnd),
                                              tags: tags.map(\.name), context: context,
                                              span: text.span(line, from, to)))
    }

    /// `[category]` followed by whitespace and content; timestamps and task markers are not categories.
    private func categoryPrefix(_ from: Int, _ to: Int) -> (String, Int)? {
        let bytes = text.bytes
        guard bytes[from] == ASCII.openBracket else { return nil }
        var j = from + 1
        while j < to, bytes[j] != ASCII.openBracket, bytes[j] != ASCII.closeBracket,
              bytes[j] != ASCII.openParen, bytes[j] != ASCII.closeParen { j += 1 }
        guard j + 1 < to, j > from + 1, bytes[j] == ASCII.closeBracket, ASCII.isWhitespace(bytes[j + 1]) else {
            return nil
        }
        let rest = text.trimmed(j + 1, to).0
        guard rest < to else { return nil }
        let (nameStart, nameEnd) = text.trimmed(from + 1, j)
        guard nameStart < nameEnd, !isTimestamp(nameStart, nameEnd), !isTaskMarker(nameStart, nameEnd) else { return nil }
        return (text.string(nameStart, nameEnd), rest)
    }

    /// One-character categories other than letters and digits (and `x`/`X`) are task-box markers.
    private func isTaskMarker(_ from: Int, _ to: Int) -> Bool {
        let name = text.string(from, to)
        guard name.count == 1, let character = name.first else { return false }
        return character == "x" || character == "X" || !(character.isLetter || character.isNumber)
    }

    /// `[00:01:02]`, `[1:02.500]`, `[00:01 - 00:02]`: transcript time codes, not categories.
    private func isTimestamp(_ from: Int, _ to: Int) -> Bool {
        var i = from
        guard clockValue(&i, to) else { return false }
        if i == to { return true }
        var j = i
        while j < to, ASCII.isWhitespace(text.bytes[j]) { j += 1 }
        guard j > i, j < to, text.bytes[j] == ASCII.dash else { return false }
        j += 1
        let afterDash = j
        while j < to, ASCII.isWhitespace(text.bytes[j]) { j += 1 }
        guard j > afterDash, clockValue(&j, to) else { return false }
        return j == to
    }

    /// Consumes `\d{1,3}:\d{2}(:\d{2})?([.,]\d{1,3})?`.
    private func clockValue(_ i: inout Int, _ to: Int) -> Bool {
        func digits(_ min: Int, _ max: Int) -> Bool {
            var n = 0
            while i < to, n < max, ASCII.isDigit(text.bytes[i]) { i += 1; n += 1 }
            return n >= min
        }
        guard digits(1, 3), i < to, text.bytes[i] == ASCII.colon else { return false }
        i += 1
        guard digits(2, 2) else { return false }
        if i < to, text.bytes[i] == ASCII.colon {
            i += 1
            guard digits(2, 2) else { return false }
        }
        if i < to, text.bytes[i] == ASCII.dot || text.bytes[i] == ASCII.comma {
            i += 1
            guard digits(1, 3) else { return false }
        }
        return true
    }

    /// A line that is a markdown link as a whole (`[t](url)`, even with text after the first one).
    private func isWholeMarkdownLink(_ from: Int, _ to: Int) -> Bool {
        guard text.bytes[from] == ASCII.openBracket, text.bytes[to - 1] == ASCII.closeParen,
              let textEnd = text.find("](", from: from + 1, to: to) else { return false }
        return textEnd + 1 < to - 1
    }

    /// Whether a whitespace-separated word outside code spans starts with `#`.
    private func hasTagWord(_ from: Int, _ to: Int, code: [Range<Int>]) -> Bool {
        var i = from
        while let hash = text.find("#", from: i, to: to) {
            if (hash == from || ASCII.isWhitespace(text.bytes[hash - 1])) && inCode(hash, code) == nil { return true }
            i = hash + 1
        }
        return false
    }

    /// Every `#tag` in words that start with `#` (`#a#b` holds two tags), with their spans.
    private func tagWords(_ line: LineRef, _ from: Int, _ to: Int, code: [Range<Int>]) -> [TagOccurrence] {
        var tags: [TagOccurrence] = []
        var i = from
        while i < to {
            while i < to, ASCII.isWhitespace(text.bytes[i]) { i += 1 }
            let wordStart = i
            while i < to, !ASCII.isWhitespace(text.bytes[i]) { i += 1 }
            guard wordStart < i, text.bytes[wordStart] == ASCII.hash, inCode(wordStart, code) == nil else { continue }
            var hash = wordStart
            while hash < i {
                var end = hash + 1
                while end < i, text.bytes[end] != ASCII.hash { end += 1 }
                if end > hash + 1 {
                    tags.append(TagOccurrence(name: text.string(hash + 1, end), span: text.span(line, hash, end)))
                }
                hash = end
            }
        }
        return tags
    }
}
