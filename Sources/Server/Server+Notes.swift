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
    /// `notes/open {path | permalink | uri}` → the note's text and the version it is at.
    func openNote(_ request: OpenNoteRequest) async throws -> OpenNoteResult {
        if let version = request.version { return try await openVersion(request.note, version: version) }
        let session = try session()
        let named = try note(request.note, in: session)
        if let named { try Self.requireNote(named) }
        return try await Blocking.run("opening a note", timeout: session.saveTimeout) { () throws -> OpenNoteResult in
            let path = try named ?? session.root.resolve(relativePath: self.permalinkHolder(request.note, session).path)
            let opened = try session.openNote(path)
            guard opened.exists else { throw ResponseError.requestFailed("\(path.relative) does not exist") }
            self.monitor?.noteKnown(path: path.relative, checksum: opened.base.checksum)
            let parsed = NoteParser.parse(opened.base.text, path: path.relative)
            return OpenNoteResult(uri: session.uri(path.relative), path: path.relative, permalink: parsed.permalink,
                                  title: parsed.title, text: opened.base.text, checksum: opened.base.checksum,
                                  version: opened.base.version, source: .init(opened.source),
                                  stale: opened.stale)
        }
    }

    /// The note a request names by uri or path (nil when it names a permalink).
    func note(_ note: OpenNoteRequest.Note, in session: VaultContext) throws(ResponseError) -> ResolvedPath? {
        guard case .target(let target) = note else { return nil }
        return try session.resolve(target)
    }

    /// Blocking: the note holding a permalink (or title) a request names.
    func permalinkHolder(_ note: OpenNoteRequest.Note, _ session: VaultContext, hint: String = "") throws -> NoteRecord {
        guard case .permalink(let permalink) = note else { throw ResponseError.invalidParams("expected one of uri, path, permalink") }
        guard let record = try session.index.resolve(link: permalink, from: nil) else {
            throw ResponseError.requestFailed("no note has the permalink or title '\(permalink)'\(hint)")
        }
        return record
    }

    /// `notes/save {uri | path, text, baseVersion?, baseChecksum?, force?}`.
    func notesSave(_ params: Params) async throws -> JSONValue { try await saveNote(params.decode(SaveNoteRequest.init)).json }

    func saveNote(_ note: SaveNoteRequest) async throws -> SaveNoteResult {
        let session = try session()
        let path = try session.resolve(note.note)
        try Self.requireNote(path)
        let document = documents[path.relative]
        if let conflict = document?.conflict, conflict.ours == note.text, !note.force {
            // Saving the same text again against the same newer version: same answer, no second copy.
            return saveResult(.init(status: .conflict, record: try await record(path, session), text: conflict.theirs.text,
                                    conflict: conflict), session: session)
        }
        let request = SaveRequest(path: path, text: note.text, force: note.force, baseVersion: note.baseVersion,
                                  baseChecksum: note.baseChecksum)
        let output = try await Blocking.run("saving \(path.relative)", timeout: session.saveTimeout) { () throws -> SaveOutput in
            do { return try session.save(request, document: document) }
            catch let refused as MissingBase { throw ResponseError.invalidParams(refused.description) }
        }
        afterSave(output, path: path, session: session)
        return saveResult(output, session: session)
    }

    /// Only visible `.md` files that are not conflict copies are notes. Anything else saved would be
    /// dropped from the index by the next scan (and announced as deleted); a folder cannot be read.
    static func requireNote(_ path: ResolvedPath) throws(ResponseError) {
        guard VaultScanner.isNoteFileName((path.relative as NSString).lastPathComponent) else {
            throw .invalidParams("path: \(path.relative) is not a note (a visible .md file that is not a conflict copy)")
        }
    }

    private func record(_ path: ResolvedPath, _ session: VaultContext) async throws -> NoteRecord {
        try await Blocking.run("reading the index", timeout: session.saveTimeout) {
            guard let record = try session.index.record(path: path.relative) else {
                throw ResponseError.requestFailed("\(path.relative) is not in the index")
            }
            return record
        }
    }

    /// Updates the open document (if any) and the monitor with what a save did.
    func afterSave(_ output: SaveOutput, path: ResolvedPath, session: VaultContext) {
        monitor?.noteKnown(path: path.relative, checksum: output.record.checksum)
        documents.update(path: path.relative) { document in
            if output.status == .conflict {
                document.conflict = output.conflict
                document.remote = nil  // the conflict says it all
            } else {
                document.base = BaseState(version: output.record.version, checksum: output.record.checksum, text: output.text)
                document.conflict = nil
                document.remote = nil
                document.notice = nil
            }
        }
        publishDiagnostics(path.relative)
    }

    /// The answer to a save; starts following its bytes (or its conflict copy) to the bucket.
    func saveResult(_ output: SaveOutput, session: VaultContext) -> SaveNoteResult {
        var uploaded: Bool?
        if output.status == .saved || output.status == .merged {
            if let uploads {
                uploads.track(path: output.record.path, checksum: output.record.checksum, bytes: Array(output.text.utf8))
                uploaded = false
            } else if session.isLocalDisk {
                uploaded = true
            }
        }
        if let conflict = output.conflict, let uploads, let copy = try? session.root.resolve(relativePath: conflict.copyPath) {
            uploads.keep(copy: copy, bytes: Array(conflict.ours.utf8))
        }
        return SaveNoteResult(output, uri: session.uri(output.record.path), uploaded: uploaded)
    }

    /// `notes/search {query, limit?, offset?, type?, tag?, folder?}`.
    func searchNotes(_ search: SearchNotesRequest) async throws -> SearchNotesResult {
        let session = try session()
        let request = SearchRequest(text: search.query, limit: search.limit, offset: search.offset, type: search.type,
                                    tag: search.tag, folder: search.folder)
        let results = try await Blocking.run("searching", timeout: session.saveTimeout) { try session.index.search(request) }
        // `incomplete`: the first index of the folder has not finished, so notes not reached yet are missing.
        return SearchNotesResult(results: results.hits.map { .init($0, uri: session.uri($0.path)) },
                                 retriedWithOr: results.retriedWithOr, incomplete: !indexComplete.isSet)
    }

    /// `notes/delete {uri | path, baseVersion?}`: compare-and-swap in the index, then unlink.
    func notesDelete(_ params: Params) async throws -> JSONValue { try await deleteNote(params.decode(DeleteNoteRequest.init)).json }

    func deleteNote(_ request: DeleteNoteRequest) async throws -> DeleteNoteResult {
        let session = try session()
        let path = try session.resolve(request.note)
        let baseVersion = request.baseVersion ?? documents[path.relative]?.base?.version
        let deletion = try await Blocking.run("deleting \(path.relative)", timeout: session.saveTimeout) {
            do {
                // Known as our own before the file goes, so inotify's report of it is not announced.
                return try session.deleteNote(path, baseVersion: baseVersion) { self.monitor?.noteKnown(path: path.relative, checksum: nil) }
            } catch let missing as NoteNotFound { throw ResponseError.requestFailed(missing.description) }
        }
        switch deletion {
        case .lost(let version): return .conflict(version: version)
        case .deleted: return .deleted
        case .fileKept(let error): throw error
        }
    }
}
