import Foundation
import Index
import JSON
import JSONRPC
import LSP
import Notes
import Support
import Vault
import Workspace

/// The history of a note (every version the index keeps) and restoring an older version:
/// `notes/history`, `notes/open {version}`, the `notebridge.history` / `notebridge.restore` /
/// `notebridge.showVersion` commands and the history code actions.
extension Server {
    /// `notes/history {path | uri, limit?}` → `{path, uri, versions}`, newest first; also for a
    /// deleted note (its newest entry then has `deleted: true`).
    func noteHistory(_ request: NoteHistoryRequest) async throws -> NoteHistoryResult {
        let session = try session()
        let path = try session.resolve(request.note)
        let versions = try await Blocking.run("reading the history of \(path.relative)", timeout: session.saveTimeout) {
            try session.index.history(path: path.relative, limit: request.limit)
        }
        return NoteHistoryResult(path: path.relative, uri: session.uri(path.relative), versions: versions.map(\.entry))
    }

    /// `notes/open {path | uri | permalink, version}`: that version's text and facts from the index,
    /// whatever the file holds now (`source: "history"`; `currentVersion` is null for a deleted note).
    func openVersion(_ note: OpenNoteRequest.Note, version: Int64) async throws -> OpenNoteResult {
        let session = try session()
        let named = try self.note(note, in: session)
        return try await Blocking.run("reading a version", timeout: session.saveTimeout) { () throws -> OpenNoteResult in
            let path = try named?.relative ?? self.permalinkHolder(note, session, hint: " (a deleted note: pass its path)").path
            let kept: (info: NoteVersionInfo, text: String)
            do { kept = try session.keptVersion(path: path, version: version) }
            catch let error as VersionLookupError { throw ResponseError.invalidParams("version: \(error)") }
            let current = try session.index.record(path: path)
            let parsed = NoteParser.parse(kept.text, path: path)
            return OpenNoteResult(uri: session.uri(path), path: path, permalink: parsed.permalink, title: parsed.title,
                                  text: kept.text, kept: .init(entry: kept.info.entry, currentVersion: current?.version))
        }
    }

    /// `notebridge.history {uri | path, limit?}` (or the uri alone): what `notes/history` returns.
    func historyCommand(_ arguments: [Params]) async throws -> JSONValue {
        try await noteHistory(Self.noteArgument(arguments, "notebridge.history").decode(NoteHistoryRequest.init)).json
    }

    /// `notebridge.restore {uri | path, version, baseVersion?}`: saves that version's text as the
    /// newest version (origin `restore`), a compare-and-swap against `baseVersion` (default: the
    /// version the index holds now; 0 re-creates a deleted note). Answers like `notes/save`.
    func restoreCommand(_ arguments: [Params]) async throws -> JSONValue {
        let restore = try Self.noteArgument(arguments, "notebridge.restore").decode(RestoreNoteArguments.init)
        let session = try session()
        let path = try session.resolve(restore.note)
        try Self.requireNote(path)
        let output = try await Blocking.run("restoring \(path.relative)", timeout: session.saveTimeout) { () throws -> SaveOutput in
            do { return try session.restore(path, version: restore.version, baseVersion: restore.baseVersion) }
            catch let error as VersionLookupError { throw ResponseError.invalidParams("arguments[0].version: \(error)") }
        }
        afterSave(output, path: path, session: session)
        return saveResult(output, session: session).json
    }

    /// `notebridge.showVersion [uri, version]`: puts that version's text into the open buffer
    /// (`workspace/applyEdit`); saving the buffer then restores it, as an ordinary save. This is
    /// what the history code actions run, so it works in any editor that shows code actions.
    func showVersionCommand(_ arguments: [Params]) async throws -> JSONValue {
        guard arguments.count == 2, let uri = arguments[0].raw?.stringValue, let version = arguments[1].raw?.intValue else {
            throw ResponseError.invalidParams("arguments: expected [uri, version]")
        }
        let session = try session()
        let path = try session.resolve(Params(["uri": .string(uri)]))
        guard let document = documents[path.relative] else {
            throw ResponseError.invalidParams("arguments[0]: \(path.relative) is not open")
        }
        let kept = try await Blocking.run("reading a version", timeout: session.saveTimeout) { () throws -> String in
            do { return try session.keptVersion(path: path.relative, version: Int64(version)).text }
            catch let error as VersionLookupError { throw ResponseError.invalidParams("arguments[1]: \(error)") }
        }
        let answer = try await connection.sendRequest("workspace/applyEdit", [
            "label": .string("notebridge: version \(version) of \(path.relative)"), "edit": replaceAll(document, with: kept),
        ])
        return ["applied": answer["applied"] ?? false]
    }

    /// Code actions that put one of the note's recent older versions into the buffer. Offered
    /// only when asked for explicitly and about nothing else: not on an automatic request (VS Code
    /// sends one on every cursor move), not for diagnostics or only-quickfix requests, not while
    /// a conflict or a remote change awaits its own actions.
    func historyCodeActions(_ params: Params, document: OpenDocument) async -> [JSONValue] {
        let context = params.value("context")
        let only = context?["only"]?.arrayValue?.compactMap(\.stringValue)
        guard context?["triggerKind"]?.intValue != 2, context?["diagnostics"]?.arrayValue?.isEmpty ?? true,
              only.map({ $0.contains { $0 == "source" || $0.hasPrefix("source.") } }) ?? true,
              document.conflict == nil, document.remote == nil, let session = try? session() else { return [] }
        let versions = (try? await Blocking.run("reading the history", timeout: session.saveTimeout) {
            try session.index.history(path: document.path, limit: Self.versionsInCodeActions + 1)
        }) ?? []
        let current = Checksum.sha256(Array(document.text.utf8))  // what the buffer shows: nothing to offer
        return versions.filter { $0.hasText && $0.checksum != current }.prefix(Self.versionsInCodeActions).map { version in
            let title = "History: show version \(version.version) (\(version.when), \(version.device), \(version.origin.rawValue))"
            return [
                "title": .string(title), "kind": "source",
                "command": ["title": .string(title), "command": "notebridge.showVersion",
                            "arguments": [.string(document.uri), .integer(version.version)]],
            ]
        }
    }

    private static let versionsInCodeActions = 5

    /// A command's first argument naming a note: an object with `uri`/`path`, or the uri itself.
    private static func noteArgument(_ arguments: [Params], _ command: String) throws(ResponseError) -> Params {
        guard let first = arguments.first else { throw .invalidParams("arguments[0]: \(command) needs {uri | path, …}") }
        if let uri = first.raw?.stringValue { return Params(["uri": .string(uri)], path: "arguments[0]") }
        guard first.raw?.objectValue != nil else { throw .invalidParams("arguments[0]: expected an object or a uri") }
        return Params(first.raw, path: "arguments[0]")
    }
}
