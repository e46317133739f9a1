import Foundation
import LSP
import Notes

/// How a written link target names a note; a rename rewrites it in the same form.
package enum LinkForm: Sendable, Hashable {
    case title, path, stem, permalink
}

/// A note's text as a rename finds it: the open buffer (with its LSP version) or the file.
package struct CurrentText: Sendable {
    package var text: String
    package var openVersion: Int?

    package init(text: String, openVersion: Int?) {
        self.text = text
        self.openVersion = openVersion
    }
}

/// The text edits of one note in a rename, and the editor's version of it when it is open.
package struct FileEdits: Sendable {
    package var edits: [LSPTextEdit]
    package var version: Int?

    package init(edits: [LSPTextEdit], version: Int?) {
        self.edits = edits
        self.version = version
    }
}

/// The text edits of one rename: links rewritten in the form they were written in, the title.
package struct RenamePlan: Sendable {
    package var old: NoteSummary
    package var newTitle: String
    package var newPath: String
    /// Without a frontmatter permalink the permalink comes from the path, so it changes too.
    package var permalinkFollowsPath: Bool
    package var encoding: PositionEncoding
    /// Tells how a written target names the old note.
    package var queries: any NoteQueries

    package init(old: NoteSummary, newTitle: String, newPath: String, permalinkFollowsPath: Bool, encoding: PositionEncoding,
                 queries: any NoteQueries) {
        self.old = old
        self.newTitle = newTitle
        self.newPath = newPath
        self.permalinkFollowsPath = permalinkFollowsPath
        self.encoding = encoding
        self.queries = queries
    }

    package var newPermalink: String { Permalink.generate(fromPath: newPath) }

    /// The edits of every note that needs some: the notes the index says link to the old one
    /// (`backlinks`, their text from `currentText`; nil when gone), open notes whose links typed
    /// since their last save the index does not know yet (`openNotes`), and the title in `target`.
    package func fileEdits(target: NoteSnapshot, backlinks: [Backlink], openNotes: [(path: String, text: String, version: Int?)],
                           currentText: (String) throws -> CurrentText?) rethrows -> [String: FileEdits] {
        var byFile: [String: FileEdits] = [:]
        let bySource = Dictionary(grouping: backlinks, by: \.sourcePath)
        for (source, links) in bySource {
            let current = source == target.path ? CurrentText(text: target.text, openVersion: target.openVersion) : try currentText(source)
            guard let current else { continue }
            let edits = linkEdits(in: current.text, source: source, stored: links.map(\.span))
            if !edits.isEmpty { byFile[source] = FileEdits(edits: edits, version: current.openVersion) }
        }
        for open in openNotes where bySource[open.path] == nil {
            let text = open.path == target.path ? target.text : open.text
            let edits = linkEdits(in: text, source: open.path, stored: nil)
            if !edits.isEmpty { byFile[open.path] = FileEdits(edits: edits, version: open.version) }
        }
        let titleEdits = titleEdits(in: target)
        if !titleEdits.isEmpty {
            byFile[target.path, default: FileEdits(edits: [], version: target.openVersion)].edits += titleEdits
        }
        return byFile
    }

    /// The old note's saved text as it reads at its new path: title and links to itself rewritten.
    package func movedText(_ saved: String) -> String {
        let note = NoteSnapshot(path: old.path, uri: "", text: saved, openVersion: nil)
        return TextEdits.applying(titleEdits(in: note) + linkEdits(in: saved, source: old.path, stored: nil), to: saved,
                                  encoding: encoding)
    }

    /// Edits for the links to the note in `text`: at the index's stored spans when they still hold
    /// such a link, else (the file changed since it was indexed, or `stored` is nil) wherever
    /// parsing finds one now.
    package func linkEdits(in text: String, source: String, stored: [TextSpan]?) -> [LSPTextEdit] {
        let lines = LineTable(text)
        var spans = stored ?? []
        let stillThere = stored != nil && spans.allSatisfy { span in
            let bytes = Array(lines.lineText(span.line).utf8)
            guard span.utf8.upperBound <= bytes.count, span.utf8.count >= 2 else { return false }
            if let written = NoteSnapshot.writtenTarget(in: bytes, span: span.utf8) {
                return form(of: String(decoding: bytes[written], as: UTF8.self), from: source) != nil
            }
            // A markdown link `[text](path.md)`: kept as it is.
            return bytes[span.utf8.lowerBound] == UInt8(ascii: "[") && bytes[span.utf8.upperBound - 1] == UInt8(ascii: ")")
        }
        if !stillThere {
            spans = NoteParser.parse(text, path: source).relations.map(\.span)
        }
        var edits: [LSPTextEdit] = []
        for span in spans {
            let bytes = Array(lines.lineText(span.line).utf8)
            guard let written = NoteSnapshot.writtenTarget(in: bytes, span: span.utf8) else { continue }
            let writtenText = String(decoding: bytes[written], as: UTF8.self)
            guard let form = form(of: writtenText, from: source),
                  let replacement = replacement(for: writtenText, form: form), replacement != writtenText else { continue }
            edits.append(edit(lines, line: span.line, bytes: written, replacement))
        }
        return edits
    }

    /// Edits for the title in the frontmatter and in a first heading that repeats it.
    package func titleEdits(in note: NoteSnapshot) -> [LSPTextEdit] {
        let places = TitlePlaces(note)
        var edits: [LSPTextEdit] = []
        if let frontmatter = places.frontmatter {
            edits.append(edit(note.lines, line: frontmatter.line, bytes: frontmatter.value, YAMLTitle.scalar(newTitle)))
        }
        if let heading = places.heading {
            edits.append(edit(note.lines, line: heading.line, bytes: heading.text, newTitle))
        }
        return edits
    }

    private func form(of written: String, from source: String) -> LinkForm? {
        queries.linkForm(of: written, from: source, naming: old)
    }

    /// The new target text, in the form `written` used; nil when it still names the note.
    private func replacement(for written: String, form: LinkForm) -> String? {
        switch form {
        case .title:
            return newTitle
        case .path, .stem:
            let hasExtension = written.lowercased().hasSuffix(".md")
            let prefix = written.lastIndex(of: "/").map { String(written[...$0]) } ?? ""
            return prefix + newTitle + (hasExtension ? ".md" : "")
        case .permalink:
            guard permalinkFollowsPath else { return nil }
            return (written.hasPrefix("memory://") ? "memory://" : "") + newPermalink
        }
    }

    private func edit(_ lines: LineTable, line: Int, bytes: Range<Int>, _ newText: String) -> LSPTextEdit {
        let start = lines.utf8Offset(line: line, character: 0, encoding: .utf8)
        func character(_ column: Int) -> Int { lines.position(utf8Offset: start + column, encoding: encoding).character }
        return LSPTextEdit(range: LSPRange(line: line, start: character(bytes.lowerBound), end: character(bytes.upperBound)),
                           newText: newText)
    }
}

package enum TextEdits {
    /// `text` with LSP text edits (ranges in `encoding`, not overlapping) applied, all against
    /// the same text as a WorkspaceEdit's are (unlike incremental sync, `String.applying`).
    package static func applying(_ edits: [LSPTextEdit], to text: String, encoding: PositionEncoding) -> String {
        let lines = LineTable(text)
        func offset(_ position: Position) -> Int {
            lines.utf8Offset(line: position.line, character: position.character, encoding: encoding)
        }
        var bytes = Array(text.utf8)
        let spans = edits.map { (start: offset($0.range.start), end: offset($0.range.end), text: $0.newText) }
        for span in spans.sorted(by: { $0.start > $1.start }) {
            bytes.replaceSubrange(span.start..<span.end, with: Array(span.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
