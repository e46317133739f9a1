import Foundation
import Index
import JSON
import JSONRPC
import Language
import LSP
import Notes
import Vault
import Workspace

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
        let plan = RenamePlan(old: IndexNoteQueries.summary(old), newTitle: newTitle, newPath: newPath.relative,
                              permalinkFollowsPath: target.parsed.frontmatterPermalink == nil, encoding: encoding,
                              queries: IndexNoteQueries(session))
        let fileEdits = try await indexQuery("finding links to rename", session) { () throws -> [String: FileEdits] in
            let backlinks = try session.index.backlinks(to: old.path).map { Backlink(sourcePath: $0.sourcePath, span: $0.span) }
            // Links typed into open buffers since their last save are not in the index yet.
            let open = self.documents.all.map { (path: $0.path, text: $0.text, version: $0.lspVersion) }
            return try plan.fileEdits(target: target, backlinks: backlinks, openNotes: open) {
                try self.currentText(of: $0, session: session)
            }
        }
        if movesFile, !(documentChanges && operations.contains("rename")) {
            return try await renameFileOnServer(old: old, to: newPath, plan: plan, edits: fileEdits, session: session)
        }
        if !documentChanges {
            return ["changes": .object(Dictionary(uniqueKeysWithValues: fileEdits.map { (session.uri($0.key), .array($0.value.edits.map(\.json))) }))]
        }
        var changes: [JSONValue] = fileEdits.keys.sorted().map { path in
            let file = fileEdits[path]!
            return ["textDocument": ["uri": .string(session.uri(path)), "version": file.version.map(JSONValue.init) ?? .null],
                    "edits": .array(file.edits.map(\.json))]
        }
        if movesFile {
            changes.append(["kind": "rename", "oldUri": .string(session.uri(old.path)), "newUri": .string(session.uri(newPath.relative)),
                            "options": ["overwrite": false, "ignoreIfExists": false]])
        }
        return ["documentChanges": .array(changes)]
    }

    /// `NoteTitle.valid`, its refusal as the client's error about `newName`.
    static func validTitle(_ name: String) throws(ResponseError) -> String {
        do { return try NoteTitle.valid(name) } catch { throw .invalidParams("newName: \(error)") }
    }
}

