import Foundation
import Index
import JSON
import JSONRPC
import Language
import LSP
import Merge
import Notes
import Support
import Vault
import Workspace

extension Server {
    /// `notes/open {path | permalink | uri}` → the note's text and the version it is at.
    func notesOpen(_ params: Params) async throws -> JSONValue {
        if let version = try params.optionalInteger("version") { return try await notesOpenVersion(params, version: version) }
        let session = try session()
        let permalink = try params.optionalString("permalink")
        let explicitPath: ResolvedPath? = permalink == nil ? try session.resolve(params) : nil
        if let explicitPath { try Self.requireNote(explicitPath) }
        return try await Blocking.run("opening a note", timeout: session.saveTimeout) { () throws -> JSONValue in
            var path = explicitPath
            if let permalink {
                guard let record = try session.index.resolve(link: permalink, from: nil) else {
                    throw ResponseError.requestFailed("no note has the permalink or title '\(permalink)'")
                }
                path = try session.root.resolve(relativePath: record.path)
            }
            guard let path else { throw ResponseError.invalidParams("expected one of uri, path, permalink") }
            let opened = try session.openNote(path)
            guard opened.exists else { throw ResponseError.requestFailed("\(path.relative) does not exist") }
            let base = opened.base
            self.monitor?.noteKnown(path: path.relative, checksum: base.checksum)
            let parsed = NoteParser.parse(base.text, path: path.relative)
            return [
                "uri": .string(session.uri(path.relative)), "path": .string(path.relative),
                "permalink": .string(parsed.permalink), "title": .string(parsed.title), "text": .string(base.text),
                "checksum": JSONValue(base.checksum), "version": .integer(base.version), "stale": .bool(opened.stale),
                "source": .string(opened.source.rawValue),
            ]
        }
    }

    /// `notes/save {uri | path, text, baseVersion?, baseChecksum?, force?}`.
    func notesSave(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let path = try session.resolve(params)
        try Self.requireNote(path)
        let text = try params.string("text")
        let force = try params.optionalBool("force") ?? false
        let baseVersion = try params.optionalInteger("baseVersion")
        let baseChecksum = try params.optionalString("baseChecksum")
        if let baseVersion, baseVersion < 0 { throw ResponseError.invalidParams("baseVersion: must be 0 or more") }
        let document = documents[path.relative]

        if let conflict = document?.conflict, conflict.ours == text, !force {
            // Saving the same text again against the same newer version: same answer, no second copy.
            return saveResult(.init(status: .conflict, record: try await record(path, session), text: conflict.theirs.text,
                                    conflict: conflict), session: session)
        }

        let request = SaveRequest(path: path, text: text, force: force, baseVersion: baseVersion.map(Int64.init),
                                  baseChecksum: baseChecksum)
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

    func saveResult(_ output: SaveOutput, session: VaultContext) -> JSONValue {
        var result: [String: JSONValue] = [
            "status": .string(output.status.rawValue), "checksum": .string(output.record.checksum),
            "version": .integer(output.record.version), "path": .string(output.record.path),
            "uri": .string(session.uri(output.record.path)),
        ]
        if output.status == .merged { result["text"] = .string(output.text) }
        if let copy = output.outsideWriteCopy { result["outsideWriteCopy"] = .string(copy) }
        if output.status == .saved || output.status == .merged {
            if let uploads {
                uploads.track(path: output.record.path, checksum: output.record.checksum, bytes: Array(output.text.utf8))
                result["uploaded"] = false
            } else if session.isLocalDisk {
                result["uploaded"] = true
            }
        }
        if let conflict = output.conflict {
            uploads?.push(path: conflict.copyPath)
            result["text"] = .string(conflict.theirs.text)
            result["conflict"] = [
                "theirsChecksum": JSONValue(conflict.theirs.checksum), "theirsVersion": .integer(conflict.theirs.version),
                "copyPath": .string(conflict.copyPath),
                "hunks": .array(conflict.hunks.map { hunk in
                    ["range": lineRange(hunk.oursLines), "ours": .string(hunk.ours), "theirs": .string(hunk.theirs)]
                }),
            ]
        }
        return .object(result)
    }

    /// `notes/search {query, limit?, offset?, type?, tag?, folder?}`.
    func notesSearch(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let request = SearchRequest(text: try params.string("query"), limit: try params.optionalInteger("limit") ?? 20,
                                    offset: try params.optionalInteger("offset") ?? 0, type: try params.optionalString("type"),
                                    tag: try params.optionalString("tag"), folder: try params.optionalString("folder"))
        guard (1...1000).contains(request.limit) else { throw ResponseError.invalidParams("limit: must be between 1 and 1000") }
        guard request.offset >= 0 else { throw ResponseError.invalidParams("offset: must be 0 or more") }
        let results = try await Blocking.run("searching", timeout: session.saveTimeout) { try session.index.search(request) }
        return [
            "results": .array(results.hits.map { hit in
                [
                    "uri": .string(session.uri(hit.path)), "path": .string(hit.path), "permalink": .string(hit.permalink),
                    "title": .string(hit.title), "type": .string(hit.type), "snippet": .string(hit.snippet),
                    "score": .double(hit.score),
                ]
            }),
            "retriedWithOr": .bool(results.retriedWithOr),
            // The first index of the folder has not finished: notes not reached yet are missing.
            "incomplete": .bool(!indexComplete.isSet),
        ]
    }

    /// `notes/delete {uri | path, baseVersion?}`: compare-and-swap in the index, then unlink.
    func notesDelete(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let path = try session.resolve(params)
        let baseVersion = try params.optionalInteger("baseVersion").map(Int64.init) ?? documents[path.relative]?.base?.version
        let deletion = try await Blocking.run("deleting \(path.relative)", timeout: session.saveTimeout) {
            do {
                // Known as our own before the file goes, so inotify's report of it is not announced.
                return try session.deleteNote(path, baseVersion: baseVersion) { self.monitor?.noteKnown(path: path.relative, checksum: nil) }
            } catch let missing as NoteNotFound { throw ResponseError.requestFailed(missing.description) }
        }
        switch deletion {
        case .lost(let version): return ["status": "conflict", "version": version.map { .integer($0) } ?? .null]
        case .deleted: return ["status": "deleted"]
        case .fileKept(let error): throw error
        }
    }

    func lineRange(_ lines: Range<Int>) -> JSONValue {
        LSPRange(lines: lines).json
    }
}
