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

extension Server {
    /// A rename whose file move the client cannot apply (Neovim 0.10 declares no resource
    /// operations): the server moves the file itself and saves the notes that are not open, each
    /// through the same compare-and-swap as `notes/save` (Vault/NoteLifecycle); open buffers get
    /// text edits only.
    ///
    /// 1. The note as saved, with its title and links to itself rewritten, is saved at the new path.
    /// 2. The old path is deleted if still at the version renamed (else it is kept, and said so).
    /// 3. Each closed note linking to it is saved with its links rewritten, based on its indexed version.
    /// 4. `notes/didRename {oldUri, newUri, version, checksum, text?}` tells the client, before the
    ///    answer, so it renames the buffer and bases it on the new version (`text` when the
    ///    buffer was clean: the client takes it as saved; else the title edits come in the answer).
    func renameFileOnServer(old: NoteRecord, to newPath: ResolvedPath, plan: RenamePlan, edits: [String: FileEdits],
                            session: VaultContext) async throws -> JSONValue {
        try Self.requireNote(newPath)
        let document = documents[old.path]
        let created = try await vaultCall("creating \(newPath.relative)", session) {
            try session.copyNote(old, to: newPath, document: self.documents[newPath.relative], rewrite: plan.movedText)
        }
        afterServerSave(created, path: newPath, session: session)
        guard created.status == .saved else {
            throw ResponseError.requestFailed("could not create \(newPath.relative): \(created.status.rawValue)")
        }
        let oldPath = try session.root.resolve(relativePath: old.path)
        let deletion = try await vaultCall("deleting \(old.path)", session) {
            try session.deleteNote(oldPath, baseVersion: old.version) { self.monitor?.noteKnown(path: old.path, checksum: nil) }
        }
        switch deletion {
        case .deleted: break
        case .fileKept(let error): throw error
        case .lost:
            Log.warning("renamed \(old.path) to \(newPath.relative), but \(old.path) changed meanwhile and was kept")
        }
        for (path, file) in edits where path != old.path && documents[path] == nil {
            try await saveLinkEdits(file.edits, in: path, session: session)
        }

        let movedText = created.text
        var notice: [String: JSONValue] = ["oldUri": .string(session.uri(old.path)), "newUri": .string(session.uri(newPath.relative)),
                                           "version": .integer(created.record.version), "checksum": .string(created.record.checksum)]
        if let document {
            documents.close(path: old.path)
            var moved = document
            moved.uri = session.uri(newPath.relative)
            moved.path = newPath.relative
            if !document.isDirty {
                moved.text = movedText
                notice["text"] = .string(movedText)
            }
            moved.base = BaseState(version: created.record.version, checksum: created.record.checksum, text: movedText)
            documents.open(moved)
        }
        linkChecks.invalidate()
        connection.notify("notes/didRename", .object(notice))

        var changes: [String: JSONValue] = [:]
        for (path, file) in edits where documents[path] != nil || path == old.path {
            guard path != old.path else {
                if let document, document.isDirty { changes[session.uri(newPath.relative)] = .array(file.edits.map(\.json)) }
                continue
            }
            changes[session.uri(path)] = .array(file.edits.map(\.json))
        }
        return ["changes": .object(changes)]
    }

    /// Saves a closed note with a rename's edits applied, based on the version the index has.
    private func saveLinkEdits(_ edits: [LSPTextEdit], in path: String, session: VaultContext) async throws {
        let resolved = try session.root.resolve(relativePath: path)
        let encoding = encoding
        let output = try await vaultCall("saving \(path)", session) { () throws -> SaveOutput? in
            try session.rewriteNote(at: resolved) { TextEdits.applying(edits, to: $0, encoding: encoding) }
        }
        guard let output else { return }
        afterServerSave(output, path: resolved, session: session)
        if output.status == .conflict {
            Log.warning("rename: \(path) changed meanwhile; its links are rewritten in \(output.conflict?.copyPath ?? "a conflict copy")")
        }
    }

    /// Vault work off the cooperative pool with the session's deadline, its refusals as the client's errors.
    func vaultCall<T: Sendable>(_ what: String, _ session: VaultContext, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Blocking.run(what, timeout: session.saveTimeout) { () throws -> T in
            do { return try body() }
            catch let refused as MissingBase { throw ResponseError.invalidParams(refused.description) }
            catch let missing as NoteNotFound { throw ResponseError.requestFailed(missing.description) }
        }
    }

    /// What `notes/save` does after a save, for one the server made itself: the open document,
    /// the monitor, diagnostics and upload tracking.
    func afterServerSave(_ output: SaveOutput, path: ResolvedPath, session: VaultContext) {
        afterSave(output, path: path, session: session)
        _ = saveResult(output, session: session)
    }
}
