import Foundation
import Index
import Merge
import Notes
import Support
import Workspace

package struct SaveInput: Sendable {
    package var path: ResolvedPath
    package var text: String
    package var baseVersion: Int64          // 0: the editor believes the note does not exist yet
    package var baseChecksum: String?
    package var baseText: String?           // needed to merge; nil when the client did not give us a base
    package var force: Bool
    package var origin = VersionOrigin.save   // of the new version, unless it is a merge

    package init(path: ResolvedPath, text: String, baseVersion: Int64, baseChecksum: String? = nil, baseText: String? = nil, force: Bool) {
        self.path = path
        self.text = text
        self.baseVersion = baseVersion
        self.baseChecksum = baseChecksum
        self.baseText = baseText
        self.force = force
    }
}

package struct SaveOutput: Sendable {
    package enum Status: String, Sendable { case saved, merged, conflict, unchanged }
    package var status: Status
    package var record: NoteRecord          // what the index holds for the note now
    package var text: String                // the note's text now (merged text, or theirs after a conflict)
    package var conflict: ConflictState?

    package init(status: Status, record: NoteRecord, text: String, conflict: ConflictState? = nil) {
        self.status = status
        self.record = record
        self.text = text
        self.conflict = conflict
    }
}

/// The save algorithm of DESIGN.md: temp file beside the target, compare-and-swap in the index,
/// rename; on a lost swap a 3-way merge, and when that is not clean a conflict copy of ours.
/// Blocking; the server runs it off the JSON-RPC thread with a deadline.
package final class SaveCoordinator: Sendable {
    package let root: VaultRoot
    package let index: NoteIndex
    package let device: String
    package let freshness: MountFreshness
    package let ownWrites: OwnWrites
    private let pathLocks = PathLocks()
    /// Saves under way; the server closes it before exiting.
    package let gate = SaveGate()

    package init(root: VaultRoot, index: NoteIndex, device: String, freshness: MountFreshness, ownWrites: OwnWrites) {
        self.root = root
        self.index = index
        self.device = device
        self.freshness = freshness
        self.ownWrites = ownWrites
    }

    package func save(_ input: SaveInput, deadline: Date) throws -> SaveOutput {
        try gate.run { try pathLocks.withLock(input.path.relative) { try saveLocked(input, deadline: deadline) } }
    }

    private func saveLocked(_ input: SaveInput, deadline: Date) throws -> SaveOutput {
        let path = input.path
        let ours = Array(input.text.utf8)
        let oursChecksum = Checksum.sha256(ours)
        let disk = try NoteFile.read(path)

        if input.force {
            let current = try index.record(path: path.relative)
            let outcome = try commit(ours, checksum: oursChecksum, at: path, baseVersion: current?.version ?? 0,
                                     baseChecksum: current?.checksum, origin: input.origin)
            guard case .won(let won) = outcome else { throw SaveRace(path: path.relative) }
            return SaveOutput(status: .saved, record: won, text: input.text)
        }

        var current: NoteRecord?
        if disk?.checksum == input.baseChecksum {
            // The mount shows our base: swap straight away (over Turso this is the save's one round trip).
            if oursChecksum == input.baseChecksum, let record = try index.record(path: path.relative),
               record.version == input.baseVersion {
                return SaveOutput(status: .unchanged, record: record, text: input.text)
            }
            switch try commit(ours, checksum: oursChecksum, at: path, baseVersion: input.baseVersion,
                              baseChecksum: input.baseChecksum, origin: input.origin) {
            case .won(let won): return SaveOutput(status: .saved, record: won, text: input.text)
            case .lost(let now): current = now
            }
        } else {
            current = try index.record(path: path.relative)
        }

        // Someone else's version stands between our base and us. Find out what it is.
        let diskIsBase = disk?.checksum == input.baseChecksum
        for _ in 0..<3 {
            let theirs = try theirVersion(disk: diskIsBase ? nil : disk, index: current, at: path, deadline: deadline)
            guard let theirs else {
                // Deleted elsewhere: saving brings the note back, which loses nothing.
                switch try commit(ours, checksum: oursChecksum, at: path, baseVersion: current?.version ?? 0, baseChecksum: nil,
                                  origin: input.origin) {
                case .won(let won): return SaveOutput(status: .saved, record: won, text: input.text)
                case .lost(let now): current = now
                }
                continue
            }
            if theirs.record.checksum == oursChecksum {
                return SaveOutput(status: .unchanged, record: theirs.record, text: input.text)
            }
            if theirs.record.checksum == input.baseChecksum {
                // A newer version with our base's very content (the file re-indexed): nothing to merge.
                switch try commit(ours, checksum: oursChecksum, at: path, baseVersion: theirs.record.version,
                                  baseChecksum: theirs.record.checksum, origin: input.origin) {
                case .won(let won): return SaveOutput(status: .saved, record: won, text: input.text)
                case .lost(let now): current = now
                }
                continue
            }
            let merge = input.baseText.map { ThreeWayMerge.merge(base: $0, ours: input.text, theirs: theirs.text) }
            switch merge {
            case .clean(let merged):
                let bytes = Array(merged.utf8)
                switch try commit(bytes, checksum: Checksum.sha256(bytes), at: path, baseVersion: theirs.record.version,
                                  baseChecksum: theirs.record.checksum, origin: .merge) {
                case .won(let won): return SaveOutput(status: .merged, record: won, text: merged)
                case .lost(let now): current = now
                }
            case .conflict(let hunks, let markedText):
                return try keepConflict(input, theirs: theirs, hunks: hunks, markedText: markedText)
            case nil:
                let whole = ConflictHunk(baseLines: 0..<0, oursLines: 0..<lineCount(input.text),
                                         theirsLines: 0..<lineCount(theirs.text), base: "", ours: input.text, theirs: theirs.text)
                return try keepConflict(input, theirs: theirs, hunks: [whole], markedText: theirs.text)
            }
        }
        throw SaveRace(path: path.relative)
    }

    /// Writes `bytes` to a temp file, swaps the index from `baseVersion`, renames on success.
    /// A lost swap removes the temp file and says what the index holds now.
    private func commit(_ bytes: [UInt8], checksum: String, at path: ResolvedPath, baseVersion: Int64,
                        baseChecksum: String?, origin: VersionOrigin) throws -> SaveOutcome {
        let temporary = try AtomicFile.writeTemporary(bytes, beside: path)
        var renamed = false
        defer { if !renamed { AtomicFile.discard(temporary: temporary) } }
        var info = stat()
        let mtime = stat(temporary, &info) == 0 ? info.mtimeNanoseconds : 0
        let parsed = NoteParser.parse(String(decoding: bytes, as: UTF8.self), path: path.relative)
        ownWrites.insert(path: path.relative, checksum: checksum)
        let write = NoteWrite(path: path.relative, bytes: bytes, checksum: checksum, parsed: parsed, mtime: mtime)
        let outcome = try index.save(write, baseVersion: baseVersion, baseChecksum: baseChecksum, origin: origin, device: device)
        guard case .won = outcome else {
            ownWrites.remove(path: path.relative, checksum: checksum)
            return outcome
        }
        do {
            ownWrites.wrote(path: path.relative, size: Int64(bytes.count), mtime: mtime)  // before inotify can see it
            try AtomicFile.commit(temporary: temporary, to: path)
            renamed = true
        } catch {
            // The index now names bytes the mount does not have: put the file's real state back.
            if let file = try? NoteFile.read(path) {
                _ = try? index.upsert(file, path: path.relative, device: device)
            } else {
                _ = try? index.remove(path: path.relative, device: device)
            }
            throw error
        }
        return outcome
    }

    package struct Theirs {
        var record: NoteRecord
        var text: String

        package init(record: NoteRecord, text: String) {
            self.record = record
            self.text = text
        }
    }

    /// The version that beat ours: what the index holds, read from the mount once it shows it;
    /// or, when a writer bypassed the index, what the mount shows (recorded in the index first).
    /// A file older than the index's record is the mount lagging, not a writer.
    private func theirVersion(disk: NoteFile?, index current: NoteRecord?, at path: ResolvedPath,
                              deadline: Date) throws -> Theirs? {
        if let disk, !(current.map { disk.mtime < $0.mtime } ?? false) {
            if disk.checksum == current?.checksum, let current { return Theirs(record: current, text: disk.text) }
            let record = try index.upsert(disk, path: path.relative, device: device)
            return Theirs(record: record, text: disk.text)
        }
        guard let current else { return nil }
        let file = try freshness.read(path, checksum: current.checksum, size: current.size, deadline: deadline)
        return Theirs(record: current, text: file.text)
    }

    private func keepConflict(_ input: SaveInput, theirs: Theirs, hunks: [ConflictHunk], markedText: String) throws -> SaveOutput {
        let copy = ConflictCopy.path(for: input.path, device: device, at: Date(), in: root)
        try AtomicFile.write(Array(input.text.utf8), to: copy)
        let state = ConflictState(theirs: BaseState(version: theirs.record.version, checksum: theirs.record.checksum, text: theirs.text),
                                  ours: input.text, copyPath: copy.relative, hunks: hunks, markedText: markedText)
        return SaveOutput(status: .conflict, record: theirs.record, text: theirs.text, conflict: state)
    }

    private func lineCount(_ text: String) -> Int { text.isEmpty ? 0 : text.split(separator: "\n", omittingEmptySubsequences: false).count }
}

package struct SaveRace: Error, CustomStringConvertible {
    package var path: String

    package init(path: String) {
        self.path = path
    }
    package var description: String { "\(path) kept changing while saving; your text is unsaved, try again" }
}

/// Serialises saves of one path within this process.
package final class PathLocks: Sendable {
    private let locks = Locked<[String: NSLock]>([:])   // one per path ever saved, never removed

    package init() {}

    package func withLock<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let pathLock = locks.withLock { locks in
            if let existing = locks[path] { return existing }
            let created = NSLock()
            locks[path] = created
            return created
        }
        pathLock.lock()
        defer { pathLock.unlock() }
        return try body()
    }
}

/// The (path, checksum) pairs this bridge itself is writing, so the change feed does not
/// announce our own saves back to us; and the size and mtime each save left on disk, so the
/// inotify event of our own rename is recognised without asking the index.
package final class OwnWrites: Sendable {
    /// "path NUL checksum" of writes under way, and the stamp each finished save left, by path.
    private let state = Locked<(pending: Set<String>, stamps: [String: FileStampPair])>(([], [:]))

    package init() {}

    package struct FileStampPair: Equatable, Sendable {
        var size: Int64
        var mtime: Int64

        package init(size: Int64, mtime: Int64) {
            self.size = size
            self.mtime = mtime
        }
    }

    package func wrote(path: String, size: Int64, mtime: Int64) {
        state.withLock { $0.stamps[path] = FileStampPair(size: size, mtime: mtime) }
    }

    /// True if the file still has the size and mtime our last save of it left.
    package func isOurs(path: String, size: Int64, mtime: Int64) -> Bool {
        state.withLock { $0.stamps[path] == FileStampPair(size: size, mtime: mtime) }
    }

    package func insert(path: String, checksum: String) { _ = state.withLock { $0.pending.insert(path + "\0" + checksum) } }
    package func remove(path: String, checksum: String) { _ = state.withLock { $0.pending.remove(path + "\0" + checksum) } }
    /// True once per recorded write.
    package func consume(path: String, checksum: String?) -> Bool {
        guard let checksum else { return false }
        return state.withLock { $0.pending.remove(path + "\0" + checksum) != nil }
    }
}
