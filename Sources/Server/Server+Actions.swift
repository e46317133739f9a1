import Foundation
import Index
import JSON
import JSONRPC
import Language
import LSP
import Notes
import Support
import Vault

extension Server {
    /// Code actions for the document's conflict or remote change: take theirs, keep mine,
    /// insert conflict markers, reload.
    func codeAction(_ params: Params) async throws -> JSONValue {
        let path = try session().resolve(try params.object("textDocument"))
        guard let document = documents[path.relative] else { return [] }
        let uri = JSONValue.string(document.uri)
        var actions: [JSONValue] = []
        func action(_ title: String, edit newText: String?, command: String, preferred: Bool = false) -> JSONValue {
            var action: [String: JSONValue] = [
                "title": .string(title), "kind": "quickfix", "isPreferred": .bool(preferred),
                "command": ["title": .string(title), "command": .string(command), "arguments": [uri]],
            ]
            if let newText { action["edit"] = replaceAll(document, with: newText) }
            return .object(action)
        }
        if let conflict = document.conflict {
            actions.append(action("Take theirs (discard my edits; they stay in \(conflict.copyPath))", edit: conflict.theirs.text,
                                  command: "notebridge.acceptRemote"))
            actions.append(action("Keep mine (overwrite theirs)", edit: nil, command: "notebridge.keepMine"))
            actions.append(action("Insert conflict markers", edit: conflict.markedText, command: "notebridge.acceptRemote",
                                  preferred: true))
        } else if let remote = document.remote, let text = remote.text, remote.checksum != document.base?.checksum {
            actions.append(action("Reload (take the version from \(remote.device ?? "elsewhere"))", edit: text,
                                  command: "notebridge.acceptRemote", preferred: !document.isDirty))
        }
        actions += linkCodeActions(params, document: document)
        actions += await historyCodeActions(params, document: document)
        return .array(actions)
    }

    /// A WorkspaceEdit replacing the whole buffer.
    func replaceAll(_ document: OpenDocument, with text: String) -> JSONValue {
        let lines = LineTable(document.text)
        let end = lines.position(utf8Offset: document.text.utf8.count, encoding: encoding)
        let range = LSPRange(start: Position(line: 0, character: 0), end: Position(line: end.line, character: end.character))
        return WorkspaceEdit(changes: [document.uri: [LSPTextEdit(range: range, newText: text)]]).json
    }

    /// `workspace/executeCommand`.
    func executeCommand(_ params: Params) async throws -> JSONValue {
        let command = try params.string("command")
        let arguments = try params.optionalArray("arguments") ?? []
        func document() throws -> (OpenDocument, VaultContext) {
            guard let first = arguments.first, let uri = first.raw?.stringValue ?? first.raw?["uri"]?.stringValue else {
                throw ResponseError.invalidParams("arguments[0]: expected the document's uri")
            }
            let session = try session()
            let path = try session.resolve(Params(["uri": .string(uri)]))
            guard let document = documents[path.relative] else {
                throw ResponseError.invalidParams("arguments[0]: \(path.relative) is not open")
            }
            return (document, session)
        }
        switch command {
        case "notebridge.save":
            let (document, _) = try document()
            return try await notesSave(Params(["uri": .string(document.uri), "text": .string(document.text)]))
        case "notebridge.keepMine":
            let (document, _) = try document()
            return try await notesSave(Params(["uri": .string(document.uri), "text": .string(document.text), "force": true]))
        case "notebridge.acceptRemote":
            let (document, _) = try document()
            documents.update(path: document.path) { document in
                if let theirs = document.conflict?.theirs {
                    document.base = theirs
                } else if let remote = document.remote, let text = remote.text {
                    document.base = BaseState(version: remote.version, checksum: remote.checksum, text: text)
                }
                document.conflict = nil
                document.remote = nil
            }
            publishDiagnostics(document.path)
            return .null
        case "notebridge.reindex":
            let session = try session()
            let stats = try await Blocking.run("re-indexing", timeout: 3600) {
                try Indexer.index(vault: session)
            }
            monitor?.pollNow()
            indexCompleted()
            return ["added": JSONValue(stats.added), "updated": JSONValue(stats.updated), "removed": JSONValue(stats.removed),
                    "unchanged": JSONValue(stats.unchanged)]
        case "notebridge.check": return try await checkVault()
        case "notebridge.createNote": return try await createNote(arguments)
        case "notebridge.history": return try await historyCommand(arguments)
        case "notebridge.restore": return try await restoreCommand(arguments)
        case "notebridge.showVersion": return try await showVersionCommand(arguments)
        default:
            throw ResponseError.invalidParams("command: unknown command '\(command)' (known: \(Capabilities.commands.joined(separator: ", ")))")
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
        let openExisting = try argument.optionalBool("openExisting") == true
        let path = try session.resolve(Params(["path": .string(note.path)]))
        try Self.requireNote(path)
        let text = NewNote(path: path.relative, title: note.title).text
        let document = documents[path.relative]
        switch try await vaultCall("creating \(path.relative)", session, { try session.createNote(at: path, text: text, document: document) }) {
        case .exists:
            guard openExisting else { throw ResponseError.requestFailed("\(path.relative) already exists") }
            return ["uri": .string(session.uri(path.relative)), "path": .string(path.relative), "created": false]
        case .saved(let output):
            afterSave(output, path: path, session: session)
            let result = saveResult(output, session: session).json
            linkChecks.invalidate()
            for document in documents.all { publishDiagnostics(document.path) }
            return result
        }
    }
}
