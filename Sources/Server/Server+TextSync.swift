import Foundation
import Index
import JSON
import JSONRPC
import Notes
import Support
import Vault
import Workspace

extension Server {
    func didOpen(_ params: Params) throws {
        let item = try params.object("textDocument")
        let session = try session()
        let path = try session.resolve(item)
        documents.open(OpenDocument(uri: try item.string("uri"), path: path.relative, text: try item.string("text"),
                                    lspVersion: try item.optionalInteger("version") ?? 0))
        Task { await establishBase(path, session: session) }
    }

    func didChange(_ params: Params) throws {
        let item = try params.object("textDocument")
        let path = try session().resolve(item)
        let edits = try params.array("contentChanges").map { change throws(ResponseError) -> TextEdit in
            guard let range = try change.optionalObject("range") else { return TextEdit(range: nil, text: try change.string("text")) }
            func position(_ key: String) throws(ResponseError) -> TextPosition {
                let value = try range.object(key)
                return TextPosition(line: try value.integer("line"), character: try value.integer("character"))
            }
            return TextEdit(range: TextRange(start: try position("start"), end: try position("end")), text: try change.string("text"))
        }
        let encoding = encoding
        let version = try item.optionalInteger("version")
        documents.update(path: path.relative) { document in
            document.text = document.text.applying(edits, encoding: encoding)
            if let version { document.lspVersion = version }
        }
        scheduleDiagnostics(path.relative)
    }

    func didClose(_ params: Params) throws {
        let path = try session().resolve(try params.object("textDocument"))
        let uri = documents[path.relative]?.uri
        documents.close(path: path.relative)
        if let uri { connection.notify("textDocument/publishDiagnostics", ["uri": .string(uri), "diagnostics": []]) }
    }

    /// An editor that writes files itself (Helix, VS Code) tells us after the fact. If that
    /// write replaced a version someone else saved meanwhile, keep theirs as a conflict copy.
    func didSave(_ params: Params) throws {
        let item = try params.object("textDocument")
        let session = try session()
        let path = try session.resolve(item)
        let savedText = try params.optionalString("text")
        guard let document = documents[path.relative] else { return }
        Task {
            do {
                let notice = try await Blocking.run("recording \(path.relative)", timeout: session.saveTimeout) {
                    try self.recordEditorWrite(path, savedText: savedText, document: document, session: session)
                }
                documents.update(path: path.relative) { $0.notice = notice }
            } catch {
                Log.error("didSave \(path.relative): \(error)")
            }
            publishDiagnostics(path.relative)
        }
    }

    /// Blocking: reads what the editor wrote, keeps any overwritten newer version, re-indexes.
    private func recordEditorWrite(_ path: ResolvedPath, savedText: String?, document: OpenDocument,
                                   session: VaultContext) throws -> String? {
        guard let file = try NoteFile.read(path) else { return nil }
        let current = try session.index.record(path: path.relative)
        var notice: String?
        // The newer version this write replaced: the index's, or, when a re-index of this very write
        // (inotify) beat the didSave here, the one the document last heard of.
        var replaced: (device: String, text: String?)?
        if let current, current.checksum != file.checksum, current.version != document.base?.version {
            // Its text is what we read when we heard of it.
            replaced = (current.updatedBy, document.remote?.checksum == current.checksum ? document.remote?.text : nil)
        } else if let remote = document.remote, let checksum = remote.checksum, checksum != file.checksum,
                  checksum != document.base?.checksum {
            replaced = (remote.device ?? "another device", remote.text)
        }
        if let replaced {
            if let theirs = replaced.text {
                let copy = ConflictCopy.path(for: path, device: replaced.device, at: Date(), in: session.root)
                try AtomicFile.write(Array(theirs.utf8), to: copy)
                notice = "Your editor's save replaced a newer version saved by \(replaced.device); "
                    + "their text is kept in \(copy.relative)"
            } else {
                notice = "Your editor's save replaced a newer version saved by \(replaced.device) that this mount "
                    + "had not shown yet; check the note's history"
            }
        }
        session.ownWrites.insert(path: path.relative, checksum: file.checksum)
        let record = try session.index.upsert(file, path: path.relative, device: session.device)
        monitor?.noteKnown(path: path.relative, checksum: file.checksum)
        documents.update(path: path.relative) { document in
            document.base = BaseState(version: record.version, checksum: record.checksum, text: file.text)
            document.remote = nil
            document.conflict = nil
        }
        return notice
    }

    /// Reads the file and the index for a newly opened document: what its buffer is based on.
    func establishBase(_ path: ResolvedPath, session: VaultContext) async {
        do {
            let base = try await Blocking.run("reading \(path.relative)", timeout: session.saveTimeout) {
                try session.currentBase(path)
            }
            documents.update(path: path.relative) { if $0.base == nil { $0.base = base } }
            monitor?.noteKnown(path: path.relative, checksum: base.checksum)
        } catch {
            Log.warning("opening \(path.relative): \(error)")
        }
        publishDiagnostics(path.relative)
    }
}
