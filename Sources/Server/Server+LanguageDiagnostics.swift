import Foundation
import Index
import JSON
import JSONRPC
import Language
import LSP
import Notes
import Support
import Vault
import Workspace

/// Link diagnostics of open documents, computed off the reader thread and kept per text, so
/// publishing diagnostics never waits for the index.
final class LinkDiagnosticsCache: Sendable {
    /// Results older than this are recomputed (a note created elsewhere may resolve a link).
    static let maxAge: TimeInterval = 5

    private struct Entry: Sendable {
        var text: String
        var diagnostics: [Diagnostic]
        var at: Date
    }

    /// The last result per path, and the paths with a computation under way (at most one each).
    private let state = Locked<(entries: [String: Entry], running: Set<String>)>(([:], []))

    /// The diagnostics last computed for `path` (maybe for an older text), and whether the
    /// caller should start a computation for `text` (none is running and the entry is stale).
    func lookup(path: String, text: String) -> (diagnostics: [Diagnostic], start: Bool) {
        state.withLock { state in
            let entry = state.entries[path]
            let fresh = entry.map { $0.text == text && Date().timeIntervalSince($0.at) < Self.maxAge } ?? false
            let start = !fresh && !state.running.contains(path)
            if start { state.running.insert(path) }
            return (entry?.diagnostics ?? [], start)
        }
    }

    /// Stores a result; returns whether it differs from what was shown before.
    func store(path: String, text: String, diagnostics: [Diagnostic]) -> Bool {
        state.withLock { state in
            let changed = state.entries[path]?.diagnostics != diagnostics
            state.entries[path] = Entry(text: text, diagnostics: diagnostics, at: Date())
            state.running.remove(path)
            return changed
        }
    }

    func failed(path: String) { _ = state.withLock { $0.running.remove(path) } }

    /// Forgets every result, so the next publish recomputes (after a note was created or renamed).
    func invalidate() {
        state.withLock { state in
            state.entries = state.entries.mapValues { Entry(text: $0.text, diagnostics: $0.diagnostics, at: .distantPast) }
        }
    }
}

/// Where a note for an unresolved link target goes, and what it starts with.
struct NewNote: Sendable {
    var path: String
    var title: String

    init(path: String, title: String) {
        self.path = path
        self.title = title
    }

    /// A note titled `title` in `folder` ("" for the root), in the file Basic Memory would name
    /// (`NoteFileName.forTitle`); nil when the title leaves no usable file name.
    init?(title: String, folder: String) {
        guard let name = NoteFileName.forTitle(title) else { return nil }
        let folder = folder.split(separator: "/").joined(separator: "/")
        self.init(path: folder.isEmpty ? name : "\(folder)/\(name)", title: title)
    }

    /// The note `target` (written in the note at `source`) would name: `Title` → `Title.md` beside
    /// the source; `folder/name` → `folder/name.md` from the root; `./x`, `../x` from the source.
    init?(target: String, from source: String) {
        var text = target.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("memory://") { text.removeFirst("memory://".count) }
        if text.lowercased().hasSuffix(".md") { text.removeLast(3) }
        let folder = (source as NSString).deletingLastPathComponent
        var parts: [Substring] = text.hasPrefix("./") || text.hasPrefix("../") ? folder.split(separator: "/") : []
        if !text.contains("/") { parts = folder.split(separator: "/") }
        for part in text.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        guard let last = parts.popLast(), !last.hasPrefix(".") else { return nil }
        self.init(title: String(last), folder: parts.joined(separator: "/"))
    }

    var text: String { "---\ntitle: \(YAMLTitle.scalar(title))\ntype: note\n---\n\n# \(title)\n" }
}

extension Server {
    /// Unresolved links and a duplicate permalink in an open document (cached; see `LinkDiagnosticsCache`).
    func linkDiagnostics(for document: OpenDocument) -> [Diagnostic] {
        // Until the whole folder is indexed, a link to a note not reached yet would look unresolved.
        guard indexComplete.isSet, let session = try? session() else { return [] }
        let (cached, start) = linkChecks.lookup(path: document.path, text: document.text)
        if start { Task { await checkLinks(path: document.path, text: document.text, session: session) } }
        return cached
    }

    private func checkLinks(path: String, text: String, session: VaultContext) async {
        let encoding = encoding
        do {
            let diagnostics = try await indexQuery("checking links in \(path)", session) {
                let note = NoteSnapshot(path: path, uri: session.uri(path), text: text, openVersion: nil)
                return try NoteDiagnostics.links(note, encoding: encoding, queries: IndexNoteQueries(session))
            }
            if linkChecks.store(path: path, text: text, diagnostics: diagnostics) || documents[path].map({ $0.text != text }) == true {
                publishDiagnostics(path)
            }
        } catch {
            linkChecks.failed(path: path)
            Log.warning("checking links in \(path): \(error)")
        }
    }

    /// "Create note" code actions for the unresolved-link diagnostics the client sends back.
    func linkCodeActions(_ params: Params, document: OpenDocument) -> [JSONValue] {
        guard let session = try? session(),
              let diagnostics = try? params.optionalObject("context")?.optionalArray("diagnostics") else { return [] }
        let parsed = NoteParser.parse(document.text, path: document.path)
        let operations = clientCapability(["workspace", "workspaceEdit", "resourceOperations"])?.arrayValue?.compactMap(\.stringValue) ?? []
        let canCreate = (clientCapability(["workspace", "workspaceEdit", "documentChanges"])?.boolValue ?? false)
            && operations.contains("create")
        var seen = Set<String>()
        return diagnostics.compactMap { diagnostic -> JSONValue? in
            guard diagnostic.raw?["code"]?.stringValue == "unresolved-link",
                  let line = diagnostic.raw?["range"]?["start"]?["line"]?.intValue else { return nil }
            let character = diagnostic.raw?["range"]?["start"]?["character"]?.intValue ?? 0
            let written = parsed.relations.first { $0.span.line == line && (encoding == .utf8 ? $0.span.utf8 : $0.span.utf16).lowerBound == character }
            guard let target = written?.target ?? diagnostic.raw?["data"]?["target"]?.stringValue,
                  let note = NewNote(target: target, from: document.path),
                  (try? session.root.resolve(relativePath: note.path)) != nil, seen.insert(note.path).inserted else { return nil }
            let title = "Create note '\(note.title)' (\(note.path))"
            var action: [String: JSONValue] = ["title": .string(title), "kind": "quickfix", "isPreferred": true,
                                               "diagnostics": [diagnostic.raw ?? .null]]
            let uri = JSONValue.string(session.uri(note.path))
            if canCreate {
                action["edit"] = ["documentChanges": [
                    ["kind": "create", "uri": uri, "options": ["overwrite": false, "ignoreIfExists": true]],
                    ["textDocument": ["uri": uri, "version": .null],
                     "edits": [["range": NoteSnapshot.range(line: 0, start: 0, end: 0), "newText": .string(note.text)]]],
                ]]
            } else {
                action["command"] = ["title": .string(title), "command": "notebridge.createNote",
                                     "arguments": [["title": .string(note.title),
                                                    "folder": .string((note.path as NSString).deletingLastPathComponent)]]]
            }
            return .object(action)
        }
    }

    /// `notebridge.createNote {title, folder?, openExisting?}` (or `{path, title?}`): saves a new
    /// note through the server in the file named after its title, as Basic Memory names it. An
    /// existing note is an error, or with `openExisting` answered as `{uri, path, created: false}`.
    func createNote(_ arguments: [Params]) async throws -> JSONValue {
        guard let argument = arguments.first else { throw ResponseError.invalidParams("arguments[0]: expected {title, folder?}") }
        let session = try session()
        let note: NewNote
        if let path = try argument.optionalString("path") {
            let title = try argument.optionalString("title") ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            note = NewNote(path: path, title: try Self.validTitle(title))
        } else {
            let title = try Self.validTitle(try argument.string("title"))
            guard let named = NewNote(title: title, folder: try argument.optionalString("folder") ?? "") else {
                throw ResponseError.invalidParams("title: the title needs at least one letter or digit (and at most 252 bytes) to name a file")
            }
            note = named
        }
        let resolved = try session.resolve(Params(["path": .string(note.path)]))
        if NoteFile.stamp(resolved) != nil {
            guard try argument.optionalBool("openExisting") == true else {
                throw ResponseError.requestFailed("\(resolved.relative) already exists")
            }
            return ["uri": .string(session.uri(resolved.relative)), "path": .string(resolved.relative), "created": false]
        }
        let text = NewNote(path: resolved.relative, title: note.title).text
        let result = try await notesSave(Params(["path": .string(resolved.relative), "text": .string(text)]))
        linkChecks.invalidate()
        for document in documents.all { publishDiagnostics(document.path) }
        return result
    }

    /// `notebridge.check`: every unresolved link and duplicate permalink in the vault, from the index.
    func checkVault() async throws -> JSONValue {
        let session = try session()
        let problems = try await indexQuery("checking the vault", session) { try session.index.vaultProblems() }
        return Self.report(problems, uri: session.uri, encoding: encoding)
    }

    /// The check's result as JSON; `uri` nil leaves URIs out (the CLI prints paths).
    public static func report(_ problems: VaultProblems, uri: ((String) -> String)?, encoding: PositionEncoding) -> JSONValue {
        [
            "unresolvedLinks": .array(problems.unresolvedLinks.map { link in
                var value: [String: JSONValue] = [
                    "path": .string(link.sourcePath), "target": .string(link.target), "type": .string(link.type),
                    "range": NoteSnapshot.range(of: link.span, encoding: encoding).json,
                ]
                if let uri { value["uri"] = .string(uri(link.sourcePath)) }
                return .object(value)
            }),
            "duplicatePermalinks": .array(problems.duplicatePermalinks.map { duplicate in
                ["permalink": .string(duplicate.permalink), "paths": .array(duplicate.paths.map { .string($0) })]
            }),
            "problems": JSONValue(problems.unresolvedLinks.count + problems.duplicatePermalinks.count),
        ]
    }
}
