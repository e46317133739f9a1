import Foundation
import JSON
import JSONRPC
import Language
import LSP
import Support
import Vault
import Workspace

extension Server {
    /// The note a request names (`textDocument.uri`), from the open buffer or else the file.
    func snapshot(_ params: Params, session: VaultContext) async throws -> NoteSnapshot {
        let path = try session.resolve(try params.object("textDocument"))
        return try await snapshot(path: path, session: session)
    }

    func snapshot(path: ResolvedPath, session: VaultContext) async throws -> NoteSnapshot {
        if let document = documents[path.relative] {
            return NoteSnapshot(path: path.relative, uri: document.uri, text: document.text, openVersion: document.lspVersion)
        }
        let text = try await Blocking.run("reading \(path.relative)", timeout: session.saveTimeout) { () throws -> String in
            guard let file = try NoteFile.read(path) else { throw ResponseError.requestFailed("\(path.relative) does not exist") }
            return file.text
        }
        return NoteSnapshot(path: path.relative, uri: session.uri(path.relative), text: text, openVersion: nil)
    }

    /// The note's text for checking stored spans: the open buffer, else the file (nil if gone). Blocking.
    func currentText(of path: String, session: VaultContext) throws -> CurrentText? {
        if let document = documents[path] { return CurrentText(text: document.text, openVersion: document.lspVersion) }
        guard let file = try NoteFile.read(try session.root.resolve(relativePath: path)) else { return nil }
        return CurrentText(text: file.text, openVersion: nil)
    }

    /// The session, the note a position request names and its `position` param as a cursor.
    func located(_ params: Params) async throws -> (VaultContext, NoteSnapshot, Cursor) {
        let session = try session()
        let note = try await snapshot(params, session: session)
        return (session, note, try cursor(params, in: note))
    }

    /// The `position` param as a line and byte column of `note`.
    func cursor(_ params: Params, in note: NoteSnapshot) throws(ResponseError) -> Cursor {
        let position = try params.object("position")
        let line = try position.integer("line")
        let character = try position.integer("character")
        guard line >= 0, character >= 0 else { throw .invalidParams("position: line and character must be 0 or more") }
        return note.cursor(at: Position(line: line, character: character), encoding: encoding)
    }

    /// Runs index work off the cooperative pool with the session's deadline.
    func indexQuery<T: Sendable>(_ what: String, _ session: VaultContext,
                                 _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Blocking.run(what, timeout: session.saveTimeout, body)
    }

    /// The client capability at `path` (e.g. ["textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"]).
    func clientCapability(_ path: [String]) -> JSONValue? {
        path.reduce(Optional(clientCapabilities)) { value, key in value?[key] }
    }
}
