import Foundation
import Index
import JSON
import JSONRPC
import LSP
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
        adoptRemoteIfShown(path.relative)
        scheduleDiagnostics(path.relative)
    }

    func didClose(_ params: Params) throws {
        let path = try session().resolve(try params.object("textDocument"))
        let uri = documents[path.relative]?.uri
        documents.close(path: path.relative)
        if let uri { connection.notify(PublishDiagnostics.method, PublishDiagnostics(uri: uri, diagnostics: []).json) }
    }

    /// An editor that writes files itself (Helix, VS Code) tells us after the fact. If that
    /// write replaced a version someone else saved meanwhile, keep theirs as a conflict copy.
    func didSave(_ params: Params) throws {
        let item = try params.object("textDocument")
        let session = try session()
        let path = try session.resolve(item)
        guard documents[path.relative] != nil else { return }
        adoptRemoteIfShown(path.relative)
        guard let document = documents[path.relative] else { return }
        Task {
            do {
                let notice = try await Blocking.run("recording \(path.relative)", timeout: session.saveTimeout) {
                    try self.recordEditorWrite(path, document: document, session: session)
                }
                documents.update(path: path.relative) { $0.notice = notice }
            } catch {
                Log.error("didSave \(path.relative): \(error)")
            }
            publishDiagnostics(path.relative)
        }
    }

    /// After a reload (Helix's `:reload`) the buffer holds the newer version we announced: that
    /// version is now what the buffer is based on, so it is neither "changed elsewhere" nor
    /// "replaced" by the next write.
    func adoptRemoteIfShown(_ path: String) {
        documents.update(path: path) { document in
            guard let remote = document.remote, let checksum = remote.checksum, let text = remote.text,
                  document.text == text else { return }
            document.base = BaseState(version: remote.version, checksum: checksum, text: text)
            document.remote = nil
            document.conflict = nil
        }
    }

    /// Blocking: records what the editor wrote through the observe path (compare-and-swap; a
    /// version the buffer was not based on is kept as a conflict copy from the index's text).
    private func recordEditorWrite(_ path: ResolvedPath, document: OpenDocument, session: VaultContext) throws -> String? {
        let saw = Set([document.base?.checksum].compactMap { $0 })
        var heard: [String: String] = [:]
        if let remote = document.remote, let checksum = remote.checksum, let text = remote.text { heard[checksum] = text }
        var observation = Observation.busy
        for attempt in 1...4 {
            // The feed must not announce this write back to its own document.
            let written = try? NoteFile.read(path)
            if let written { session.ownWrites.insert(path: path.relative, checksum: written.checksum) }
            observation = try session.observe(path, by: .editor(saw: saw, heard: heard))
            guard case .unsettled = observation else { break }
            if let written { session.ownWrites.remove(path: path.relative, checksum: written.checksum) }
            Thread.sleep(forTimeInterval: 0.25 * Double(attempt))  // the editor may still be writing
        }
        let record: NoteRecord
        var notice: String?
        switch observation {
        case .recorded(let recorded, let replaced):
            record = recorded
            notice = replaced.map(Self.overwriteNotice)
        case .unchanged(let recorded):
            record = recorded
            // Another observer (a second bridge on this folder, inotify) recorded this write first,
            // without knowing the buffer never showed the version the document last heard of.
            if let remote = document.remote, let checksum = remote.checksum, checksum != recorded.checksum,
               !saw.contains(checksum), let replaced = try session.keepReplaced(version: remote.version, of: path,
                                                                                  by: .editor(saw: saw, heard: heard)) {
                notice = Self.overwriteNotice(replaced)
            }
        case .older, .restored, .unsettled, .missing, .busy:
            Log.warning("didSave \(path.relative): the editor's write was not recorded (\(observation))")
            return nil
        }
        monitor?.noteKnown(path: path.relative, checksum: record.checksum)
        let text = try session.index.currentVersionText(path: path.relative)?.text
        documents.update(path: path.relative) { document in
            document.base = BaseState(version: record.version, checksum: record.checksum, text: text ?? document.text)
            document.remote = nil
            document.conflict = nil
        }
        return notice
    }

    private static func overwriteNotice(_ replaced: ReplacedVersion) -> String {
        replaced.copy.map { "Your editor's save replaced a newer version saved by \(replaced.device); their text is kept in \($0)" }
            ?? "Your editor's save replaced a newer version saved by \(replaced.device); check the note's history"
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
