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
