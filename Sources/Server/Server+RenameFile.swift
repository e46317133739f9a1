import Foundation
import Index
import JSON
import JSONRPC
import Language
import Notes
import Support
import Vault
import Workspace

/// The text edits of one file in a rename, and the editor's version of it when it is open.
typealias RenameFileEdits = [String: (edits: [JSONValue], version: Int?)]

extension Server {
    /// A rename whose file move the client cannot apply (Neovim 0.10 declares no resource
    /// operations): the server moves the file itself and saves the notes that are not open, each
    /// through the same compare-and-swap as `notes/save`; open buffers get text edits only.
    ///
    /// 1. The note as saved, with its title and links to itself rewritten, is saved at the new path.
    /// 2. The old path is deleted if still at the version renamed (else it is kept, and said so).
    /// 3. Each closed note linking to it is saved with its links rewritten, based on its indexed version.
    /// 4. `notes/didRename {oldUri, newUri, version, checksum, text?}` tells the client, before the
    ///    answer, so it renames the buffer and bases it on the new version (`text` when the
    ///    buffer was clean: the client takes it as saved; else the title edits come in the answer).
    func renameFileOnServer(old: NoteRecord, to newPath: ResolvedPath, plan: RenamePlan, edits: RenameFileEdits,
                            session: VaultContext) async throws -> JSONValue {
        let oldPath = try session.root.resolve(relativePath: old.path)
        let saved = try await indexQuery("reading \(old.path)", session) { () throws -> String in
            guard let file = try NoteFile.read(oldPath) else { throw ResponseError.requestFailed("\(old.path) does not exist") }
            return file.text
        }
        let savedNote = NoteSnapshot(path: old.path, uri: session.uri(old.path), text: saved, openVersion: nil)
        let movedText = Self.applying(plan.titleEdits(in: savedNote) + plan.linkEdits(in: saved, source: old.path, stored: nil),
                                      to: saved, encoding: encoding)
        let created = try await notesSave(Params(["path": .string(newPath.relative), "text": .string(movedText)]))
        guard created["status"]?.stringValue == "saved", let version = created["version"]?.intValue,
              let checksum = created["checksum"]?.stringValue else {
            throw ResponseError.requestFailed("could not create \(newPath.relative): \(created)")
        }
        let deleted = try await notesDelete(Params(["path": .string(old.path), "baseVersion": .integer(old.version)]))
        if deleted["status"]?.stringValue != "deleted" {
            Log.warning("renamed \(old.path) to \(newPath.relative), but \(old.path) changed meanwhile and was kept")
        }
        for (path, file) in edits where path != old.path && documents[path] == nil {
            try await saveLinkEdits(file.edits, in: path, session: session)
        }

        let document = documents[old.path]
        var notice: [String: JSONValue] = ["oldUri": .string(session.uri(old.path)), "newUri": .string(session.uri(newPath.relative)),
                                           "version": .integer(Int64(version)), "checksum": .string(checksum)]
        if let document {
            documents.close(path: old.path)
            var moved = document
            moved.uri = session.uri(newPath.relative)
            moved.path = newPath.relative
            if !document.isDirty {
                moved.text = movedText
                notice["text"] = .string(movedText)
            }
            moved.base = BaseState(version: Int64(version), checksum: checksum, text: movedText)
            documents.open(moved)
        }
        linkChecks.invalidate()
        connection.notify("notes/didRename", .object(notice))

        var changes: [String: JSONValue] = [:]
        for (path, file) in edits where documents[path] != nil || path == old.path {
            guard path != old.path else {
                if let document, document.isDirty { changes[session.uri(newPath.relative)] = .array(file.edits) }
                continue
            }
            changes[session.uri(path)] = .array(file.edits)
        }
        return ["changes": .object(changes)]
    }

    /// Saves a closed note with a rename's edits applied, based on the version the index has.
    private func saveLinkEdits(_ edits: [JSONValue], in path: String, session: VaultContext) async throws {
        let current = try await indexQuery("reading \(path)", session) { () throws -> (text: String, record: NoteRecord?)? in
            guard let file = try NoteFile.read(try session.root.resolve(relativePath: path)) else { return nil }
            return (file.text, try session.index.record(path: path))
        }
        guard let current else { return }
        var params: [String: JSONValue] = ["path": .string(path), "text": .string(Self.applying(edits, to: current.text, encoding: encoding))]
        if let record = current.record {
            params["baseVersion"] = .integer(record.version)
            params["baseChecksum"] = .string(record.checksum)
        }
        let result = try await notesSave(Params(.object(params)))
        if result["status"]?.stringValue == "conflict" {
            Log.warning("rename: \(path) changed meanwhile; its links are rewritten in \(result["conflict"]?["copyPath"]?.stringValue ?? "a conflict copy")")
        }
    }

    /// `text` with LSP text edits (ranges in `encoding`, not overlapping) applied.
    static func applying(_ edits: [JSONValue], to text: String, encoding: PositionEncoding) -> String {
        let lines = LineTable(text)
        func offset(_ position: JSONValue?) -> Int {
            lines.utf8Offset(line: position?["line"]?.intValue ?? 0, character: position?["character"]?.intValue ?? 0, encoding: encoding)
        }
        var bytes = Array(text.utf8)
        let spans = edits.map { (start: offset($0["range"]?["start"]), end: offset($0["range"]?["end"]), text: $0["newText"]?.stringValue ?? "") }
        for span in spans.sorted(by: { $0.start > $1.start }) {
            bytes.replaceSubrange(span.start..<span.end, with: Array(span.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
