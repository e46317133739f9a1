/// Parses a note's text into a `ParsedNote`. Pure: no I/O, never throws; any text, however
/// broken, gives a result, with what went wrong listed in `problems`.
public enum NoteParser {
    /// Lines past these limits are kept in the body but not read for structure, so a huge
    /// file cannot stall indexing.
    static let maxStructuredLines = 20_000
    static let maxStructuredBytes = 2 * 1024 * 1024

    /// Parses `text`, the contents of the note at root-relative `path`.
    public static func parse(_ text: String, path: String) -> ParsedNote {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes.withUnsafeBufferPointer { parse(NoteText(bytes: $0), path: path) }
    }

    private static func parse(_ text: NoteText, path: String) -> ParsedNote {
        var problems: [ParseProblem] = []
        var fields = FrontmatterFields()
        var state = FrontmatterState.absent
        var body = (start: 0, line: 0)

        switch FrontmatterBlock.find(in: text) {
        case .none:
            break
        case .unclosed(let opening):
            problems.append(ParseProblem(message: "The opening --- of the frontmatter has no closing ---; the whole file is read as markdown.",
                                         span: text.span(opening, opening.start, opening.end)))
        case .block(let block):
            switch FrontmatterFields.read(text.string(block.yamlStart, block.yamlEnd)) {
            case .success(let read):
                fields = read
                state = .valid
                body = (block.bodyStart, block.bodyStartLine)
            case .failure(let failure):
                state = .malformed
                let line = block.line(at: failure.line, in: text)
                if let salvaged = failure.salvaged {
                    // Refused by a limit, not broken: keep what Basic Memory would surely read.
                    fields = salvaged
                    body = (block.bodyStart, block.bodyStartLine)
                    problems.append(ParseProblem(message: "Frontmatter not read in full (\(failure.message)); only its one-line title, type, permalink and tags are used.",
                                                 span: text.span(line, line.start, line.end)))
                } else {
                    problems.append(ParseProblem(message: "Malformed frontmatter (\(failure.message)); the file is read as plain markdown.",
                                                 span: text.span(line, line.start, line.end)))
                }
            }
        }

        let structure = scanBody(text, from: body, path: path, semantics: fields.parseSemantics, problems: &problems)
        let title = fields.title.flatMap { $0.isEmpty || $0 == "None" ? nil : $0 } ?? NoteLinks.stem(of: path)
        let frontmatterPermalink = fields.permalink.map { String($0.trimmingWhitespace()) }.flatMap { $0.isEmpty ? nil : $0 }
        var tags: [String] = []
        var seen = Set<String>()
        for tag in fields.tags + structure.tagOccurrences.map(\.name) where seen.insert(tag).inserted {
            tags.append(tag)
        }
        return ParsedNote(title: title,
                          type: fields.type ?? "note",
                          permalink: frontmatterPermalink ?? Permalink.generate(fromPath: path),
                          frontmatterPermalink: frontmatterPermalink,
                          tags: tags,
                          frontmatterTags: fields.tags,
                          aliases: fields.aliases,
                          metadata: fields.metadata,
                          frontmatterState: state,
                          bodyStartLine: body.line,
                          body: text.string(body.start, text.count),
                          observations: structure.observations,
                          relations: structure.relations,
                          headings: structure.headings,
                          tagOccurrences: structure.tagOccurrences,
                          problems: problems)
    }

    private static func scanBody(_ text: NoteText, from body: (start: Int, line: Int), path: String, semantics: Bool,
                                 problems: inout [ParseProblem]) -> BodyStructure {
        var blocks = BlockParser(text: text)
        var start = body.start
        var number = body.line
        var scanned = 0
        while start < text.count {
            var line = text.line(startingAt: start, number: number)
            let overLimit = scanned == maxStructuredLines || line.end > maxStructuredBytes
            if overLimit {
                problems.append(ParseProblem(
                    message: "Only the first \(maxStructuredLines) lines or \(maxStructuredBytes / 1024 / 1024) MB are read for observations, links and headings; the rest is kept as text.",
                    span: text.span(line, line.start, line.start)))
                guard scanned < maxStructuredLines, line.start < maxStructuredBytes else { break }
                // Read the part of the line that fits, cut at a character boundary.
                line.end = maxStructuredBytes
                while line.end > line.start, UTF8Bytes.isContinuation(text.bytes[line.end]) { line.end -= 1 }
            }
            blocks.add(line)
            if overLimit { break }
            scanned += 1
            start = line.next
            number += 1
        }
        blocks.finish()
        var found = BodyStructure()
        found.headings = blocks.headings
        guard semantics else { return found }
        // Reference definitions anywhere in the note serve links anywhere, so blocks are read after all are known.
        let inline = InlineScanner(text: text, folder: NoteLinks.folder(of: path))
        for block in blocks.blocks {
            inline.scan(block, definitions: blocks.definitions, into: &found)
        }
        return found
    }
}
