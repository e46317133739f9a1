import Foundation
import Index
import JSON
import JSONRPC
import Language
import Notes
import Vault
import Workspace

/// Where a note's title is written: the frontmatter `title:` value and the first heading.
struct TitlePlaces {
    /// The frontmatter title's value (inside any quotes) and the whole value as written.
    var frontmatter: (line: Int, inner: Range<Int>, value: Range<Int>)?
    /// The first heading's text, when it is the title.
    var heading: (line: Int, text: Range<Int>)?

    init(_ note: NoteSnapshot) {
        if note.parsed.frontmatterState == .valid {
            for line in 1..<max(1, note.parsed.bodyStartLine - 1) {
                let bytes = note.lineBytes(line)
                guard bytes.starts(with: Array("title:".utf8)) else { continue }
                var start = 6
                while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                var end = bytes.count
                while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
                var inner = start..<end
                if end - start >= 2, bytes[start] == bytes[end - 1],
                   bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") {
                    inner = (start + 1)..<(end - 1)
                }
                frontmatter = (line, inner, start..<end)
                break
            }
        }
        if let first = note.parsed.headings.first, first.text == note.parsed.title, !first.text.contains("[[") {
            let bytes = note.lineBytes(first.span.line)
            var start = first.span.utf8.lowerBound
            while start < bytes.count, bytes[start] == UInt8(ascii: "#") { start += 1 }
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            let end = start + first.text.utf8.count
            if end <= bytes.count, bytes[start..<end].elementsEqual(first.text.utf8) { heading = (first.span.line, start..<end) }
        }
    }

    /// The title's range on `line`, when the title is written there.
    func range(on line: Int) -> (line: Int, bytes: Range<Int>)? {
        if let frontmatter, frontmatter.line == line { return (line, frontmatter.inner) }
        if let heading, heading.line == line { return (line, heading.text) }
        return nil
    }
}

/// The title as a YAML scalar: plain when that reads back the same, else double-quoted.
enum YAMLTitle {
    static func scalar(_ title: String) -> String {
        let special = "-?:,[]{}#&*!|>'\"%@`"
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~"]
        let plain = !title.isEmpty && !special.contains(title.first!) && !title.contains(": ") && !title.contains(" #")
            && !title.hasSuffix(":") && !reserved.contains(title.lowercased()) && Double(title) == nil
        if plain { return title }
        return "\"" + title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension Server {
    /// What a rename at the cursor renames: the note a link names, or this note from its title line.
    private func renameSubject(_ params: Params, session: VaultContext) async throws
        -> (note: NoteSnapshot, target: NoteRecord, range: JSONValue) {
        let note = try await snapshot(params, session: session)
        let cursor = try cursor(params, in: note)
        if let link = note.relation(at: cursor) {
            guard let written = note.writtenTarget(of: link.span) else {
                throw ResponseError.requestFailed("Rename works on [[wiki links]], not on markdown links")
            }
            let target = try await indexQuery("resolving a link", session) { try session.index.resolve(link: link.target, from: note.path) }
            guard let target else { throw ResponseError.requestFailed("[[\(link.target)]] names no note, so there is nothing to rename") }
            return (note, target, note.range(line: cursor.line, bytes: written, encoding: encoding))
        }
        if let place = TitlePlaces(note).range(on: cursor.line) {
            let record = try await indexQuery("reading the index", session) { try session.index.record(path: note.path) }
            guard let record else { throw ResponseError.requestFailed("\(note.path) is not indexed yet; save it first") }
            return (note, record, note.range(line: place.line, bytes: place.bytes, encoding: encoding))
        }
        throw ResponseError.requestFailed("Rename works on a [[link]] or on the note's title (frontmatter title or first heading)")
    }

    /// `textDocument/prepareRename`: the range to rename and the note's title as placeholder.
    func prepareRename(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let subject = try await renameSubject(params, session: session)
        return ["range": subject.range, "placeholder": .string(subject.target.title)]
    }

    /// `textDocument/rename`: one WorkspaceEdit that edits the title, rewrites every `[[link]]` to the
    /// note across the vault, then renames the file to `<new title>.md` in the same folder.
    func rename(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let newTitle = try Self.validTitle(try params.string("newName"))
        let subject = try await renameSubject(params, session: session)
        let old = subject.target
        guard let renamed = NewNote(title: newTitle, folder: (old.path as NSString).deletingLastPathComponent) else {
            throw ResponseError.invalidParams("newName: leaves no usable file name")
        }
        let newPath: ResolvedPath
        do { newPath = try session.root.resolve(relativePath: renamed.path) } catch {
            throw ResponseError.invalidParams("newName: \(error)")
        }
        let movesFile = newPath.relative != old.path
        if movesFile, NoteFile.stamp(newPath) != nil {
            throw ResponseError.requestFailed("\(newPath.relative) already exists; choose another title")
        }
        let operations = clientCapability(["workspace", "workspaceEdit", "resourceOperations"])?.arrayValue?.compactMap(\.stringValue) ?? []
        let documentChanges = clientCapability(["workspace", "workspaceEdit", "documentChanges"])?.boolValue ?? false
        let target = old.path == subject.note.path ? subject.note : try await snapshot(
            path: try session.root.resolve(relativePath: old.path), session: session)
        let plan = RenamePlan(old: old, newTitle: newTitle, newPath: newPath.relative,
                              permalinkFollowsPath: target.parsed.frontmatterPermalink == nil, encoding: encoding)
        let fileEdits = try await indexQuery("finding links to rename", session) { () throws -> RenameFileEdits in
            var byFile: RenameFileEdits = [:]
            let backlinks = Dictionary(grouping: try session.index.backlinks(to: old.path), by: \.sourcePath)
            for (source, links) in backlinks {
                let current = source == target.path ? (target.text, target.openVersion) : try self.currentText(of: source, session: session)
                guard let current else { continue }
                let edits = plan.linkEdits(in: current.text, source: source, stored: links)
                if !edits.isEmpty { byFile[source] = (edits, current.openVersion) }
            }
            // Links typed into open buffers since their last save are not in the index yet.
            for document in self.documents.all where backlinks[document.path] == nil {
                let text = document.path == target.path ? target.text : document.text
                let edits = plan.linkEdits(in: text, source: document.path, stored: nil)
                if !edits.isEmpty { byFile[document.path] = (edits, document.lspVersion) }
            }
            let titleEdits = plan.titleEdits(in: target)
            if !titleEdits.isEmpty {
                byFile[target.path, default: ([], target.openVersion)].edits += titleEdits
            }
            return byFile
        }
        if movesFile, !(documentChanges && operations.contains("rename")) {
            return try await renameFileOnServer(old: old, to: newPath, plan: plan, edits: fileEdits, session: session)
        }
        if !documentChanges {
            return ["changes": .object(Dictionary(uniqueKeysWithValues: fileEdits.map { (session.uri($0.key), .array($0.value.edits)) }))]
        }
        var changes: [JSONValue] = fileEdits.keys.sorted().map { path in
            let file = fileEdits[path]!
            return ["textDocument": ["uri": .string(session.uri(path)), "version": file.version.map(JSONValue.init) ?? .null],
                    "edits": .array(file.edits)]
        }
        if movesFile {
            changes.append(["kind": "rename", "oldUri": .string(session.uri(old.path)), "newUri": .string(session.uri(newPath.relative)),
                            "options": ["overwrite": false, "ignoreIfExists": false]])
        }
        return ["documentChanges": .array(changes)]
    }

    /// A title that can also be a file name and sit inside `[[…]]`.
    static func validTitle(_ name: String) throws(ResponseError) -> String {
        let title = name.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw .invalidParams("newName: must not be empty") }
        if let bad = title.unicodeScalars.first(where: { "/\\[]|".unicodeScalars.contains($0) || $0.properties.generalCategory == .control }) {
            throw .invalidParams("newName: must not contain \(bad.properties.generalCategory == .control ? "control characters" : "'\(bad)'")")
        }
        guard !title.hasPrefix(".") else { throw .invalidParams("newName: must not start with '.'") }
        guard title.utf8.count + 3 <= 255 else { throw .invalidParams("newName: too long for a file name") }
        return title
    }
}

/// The text edits of one rename: links rewritten in the style they were written, the title.
struct RenamePlan: Sendable {
    var old: NoteRecord
    var newTitle: String
    var newPath: String
    /// Without a frontmatter permalink the permalink comes from the path, so it changes too.
    var permalinkFollowsPath: Bool
    var encoding: PositionEncoding

    var newPermalink: String { Permalink.generate(fromPath: newPath) }

    /// Edits for the links to the note in `text`: at the index's stored spans when they still hold
    /// such a link, else (the file changed since it was indexed, or `stored` is nil) wherever
    /// parsing finds one now.
    func linkEdits(in text: String, source: String, stored: [LinkRecord]?) -> [JSONValue] {
        let lines = LineTable(text)
        var spans = stored?.map(\.span) ?? []
        let stillThere = stored != nil && spans.allSatisfy { span in
            let bytes = Array(lines.lineText(span.line).utf8)
            guard span.utf8.upperBound <= bytes.count, span.utf8.count >= 2 else { return false }
            if let written = NoteSnapshot.writtenTarget(in: bytes, span: span.utf8) {
                return NoteIndex.naming(of: String(decoding: bytes[written], as: UTF8.self), from: source, note: old) != nil
            }
            // A markdown link `[text](path.md)`: kept as it is.
            return bytes[span.utf8.lowerBound] == UInt8(ascii: "[") && bytes[span.utf8.upperBound - 1] == UInt8(ascii: ")")
        }
        if !stillThere {
            spans = NoteParser.parse(text, path: source).relations.map(\.span)
        }
        var edits: [JSONValue] = []
        for span in spans {
            let bytes = Array(lines.lineText(span.line).utf8)
            guard let written = NoteSnapshot.writtenTarget(in: bytes, span: span.utf8) else { continue }
            let writtenText = String(decoding: bytes[written], as: UTF8.self)
            guard let naming = NoteIndex.naming(of: writtenText, from: source, note: old),
                  let replacement = replacement(for: writtenText, naming: naming), replacement != writtenText else { continue }
            edits.append(edit(lines, line: span.line, bytes: written, replacement))
        }
        return edits
    }

    /// Edits for the title in the frontmatter and in a first heading that repeats it.
    func titleEdits(in note: NoteSnapshot) -> [JSONValue] {
        let places = TitlePlaces(note)
        var edits: [JSONValue] = []
        if let frontmatter = places.frontmatter {
            edits.append(edit(note.lines, line: frontmatter.line, bytes: frontmatter.value, YAMLTitle.scalar(newTitle)))
        }
        if let heading = places.heading {
            edits.append(edit(note.lines, line: heading.line, bytes: heading.text, newTitle))
        }
        return edits
    }

    /// The new target text, in the style `written` used; nil when it still names the note.
    private func replacement(for written: String, naming: LinkNaming) -> String? {
        switch naming {
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

    private func edit(_ lines: LineTable, line: Int, bytes: Range<Int>, _ newText: String) -> JSONValue {
        let start = lines.utf8Offset(line: line, character: 0, encoding: .utf8)
        func character(_ column: Int) -> Int { lines.position(utf8Offset: start + column, encoding: encoding).character }
        return ["range": NoteSnapshot.range(line: line, start: character(bytes.lowerBound), end: character(bytes.upperBound)),
                "newText": .string(newText)]
    }
}
