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
    /// A copy of bytes another program wrote while the save was under way (they landed after the
    /// save read the file, before its rename), kept beside the note instead of renamed over.
    package var outsideWriteCopy: String?

    package init(status: Status, record: NoteRecord, text: String, conflict: ConflictState? = nil, outsideWriteCopy: String? = nil) {
        self.status = status
        self.record = record
        self.text = text
        self.conflict = conflict
        self.outsideWriteCopy = outsideWriteCopy
    }
}

/// The save algorithm of docs/save-protocol.md: read the file once (settled); record bytes the
/// index never saw as a version of their own; compare-and-swap ours against the base; on a won swap
/// re-check the file and rename; on a lost swap a 3-way merge with theirs and the base both read
/// from the index (never from the mount), and when that is not clean a conflict copy of ours.
/// Blocking; the server runs it off the JSON-RPC thread with a deadline.
package final class SaveCoordinator: Sendable {
    package let root: VaultRoot
    package let index: NoteIndex
    package let device: String
    package let freshness: MountFreshness
    package let ownWrites: OwnWrites
    private let pathLocks = PathLocks()
    private let unremoved = UnremovedTemporaries()
    /// Checksums of versions the index named to this process.
    package let indexed = IndexedChecksums()
    /// Saves under way; the server closes it before exiting.
    package let gate = SaveGate()

    package init(root: VaultRoot, index: NoteIndex, device: String, freshness: MountFreshness, ownWrites: OwnWrites) {
        self.root = root
        self.index = index
        self.device = device
        self.freshness = freshness
        self.ownWrites = ownWrites
    }

    /// `outsideWrites`: records bytes on disk the index never saw, with overwrite detection (the
    /// vault's observe path); without it they are recorded by a plain compare-and-swap.
    package func save(_ input: SaveInput, deadline: Date, outsideWrites: (any OutsideWrites)? = nil) throws -> SaveOutput {
        let output = try gate.run {
            try pathLocks.withLock(input.path.relative) { try saveLocked(input, deadline: deadline, outsideWrites: outsideWrites) }
        }
        indexed.remember(path: output.record.path, version: output.record.version, checksum: output.record.checksum)
        return output
    }

    /// Writes the index's current version `current` (its `bytes`) back over a file that shows
    /// `older`, an older version of the note (the bucket went back: see `VaultContext.observe`).
    /// Under the path's lock, like a save, and only while the index still holds `current` and the
    /// file is still as read (checked again just before the rename). Whether it wrote.
    package func restore(_ current: NoteRecord, bytes: [UInt8], over older: NoteFile, at path: ResolvedPath,
                         deadline: Date) throws -> Bool {
        try gate.run {
            try pathLocks.withLock(path.relative) {
                guard let disk = try SettledRead.file(path, until: deadline), disk.checksum == older.checksum else { return false }
                let temporary = try AtomicFile.writeTemporary(bytes, beside: path)
                var renamed = false
                defer { if !renamed { unremoved.discard(temporary) } }
                guard try index.record(path: path.relative)?.checksum == current.checksum,
                      FileSeen(disk).isUnchanged(path) else { return false }
                try AtomicFile.commit(temporary: temporary, to: path)
                renamed = true
                return true
            }
        }
    }

    /// Our text, encoded and parsed once per save.
    private struct Ours {
        let text: String
        let bytes: [UInt8]
        let checksum: String
        let parsed: ParsedNote

        init(_ text: String, path: String) {
            self.text = text
            bytes = Array(text.utf8)
            checksum = Checksum.sha256(bytes)
            parsed = NoteParser.parse(text, path: path)
        }
    }

    private func saveLocked(_ input: SaveInput, deadline: Date, outsideWrites: (any OutsideWrites)?) throws -> SaveOutput {
        let path = input.path
        let ours = Ours(input.text, path: path.relative)
        let disk = try SettledRead.file(path, until: deadline)
        let seen = FileSeen(disk)

        var current: NoteRecord?
        if !input.force && disk?.checksum == input.baseChecksum {
            if ours.checksum == input.baseChecksum, let record = try index.record(path: path.relative),
               record.version == input.baseVersion {
                return SaveOutput(status: .unchanged, record: record, text: input.text)
            }
            // The file shows our base: swap straight away (over Turso this is the save's one round trip).
            switch try commit(ours.bytes, checksum: ours.checksum, parsed: ours.parsed, text: ours.text, at: path,
                              baseVersion: input.baseVersion, baseChecksum: input.baseChecksum, origin: input.origin,
                              seen: seen, deadline: deadline) {
            case .won(let won, let copy):
                return SaveOutput(status: .saved, record: won, text: input.text, outsideWriteCopy: copy)
            case .lost(let now): current = now
            }
        } else {
            // Bytes on disk the index never saw are someone's version: record them first, so they are
            // merged with ours (theirs), never renamed over.
            current = try recordUnseen(disk, at: path, outsideWrites: outsideWrites)
        }

        for _ in 0..<3 {
            if input.force {
                switch try commit(ours.bytes, checksum: ours.checksum, parsed: ours.parsed, text: ours.text, at: path,
                                  baseVersion: current?.version ?? 0, baseChecksum: current?.checksum, origin: input.origin,
                                  seen: seen, deadline: deadline) {
                case .won(let won, let copy):
                    return SaveOutput(status: .saved, record: won, text: input.text, outsideWriteCopy: copy)
                case .lost(let now): current = now
                }
                continue
            }
            guard let theirs = current else {
                // Deleted elsewhere: saving brings the note back, which loses nothing.
                switch try commit(ours.bytes, checksum: ours.checksum, parsed: ours.parsed, text: ours.text, at: path,
                                  baseVersion: 0, baseChecksum: nil, origin: input.origin, seen: seen, deadline: deadline) {
                case .won(let won, let copy):
                    return SaveOutput(status: .saved, record: won, text: input.text, outsideWriteCopy: copy)
                case .lost(let now): current = now
                }
                continue
            }
            if theirs.checksum == ours.checksum {
                // The index holds our text already; a file showing an older version gets it too
                // (the index's current bytes over a version the index keeps: nothing is lost).
                let copy = disk?.checksum == ours.checksum ? nil
                    : try place(ours.bytes, at: path, seen: seen, known: [ours.checksum], deadline: deadline)
                return SaveOutput(status: .unchanged, record: theirs, text: input.text, outsideWriteCopy: copy)
            }
            if theirs.checksum == input.baseChecksum {
                // The index holds our base (the file lagged or showed an older version): nothing to merge.
                switch try commit(ours.bytes, checksum: ours.checksum, parsed: ours.parsed, text: ours.text, at: path,
                                  baseVersion: theirs.version, baseChecksum: theirs.checksum, origin: input.origin,
                                  seen: seen, deadline: deadline) {
                case .won(let won, let copy):
                    return SaveOutput(status: .saved, record: won, text: input.text, outsideWriteCopy: copy)
                case .lost(let now): current = now
                }
                continue
            }
            let theirText = try text(of: theirs, disk: disk, at: path, deadline: deadline)
            let merge = try baseText(of: input).map { ThreeWayMerge.merge(base: $0, ours: input.text, theirs: theirText) }
            switch merge {
            case .clean(let merged):
                let bytes = Array(merged.utf8)
                switch try commit(bytes, checksum: Checksum.sha256(bytes), parsed: NoteParser.parse(merged, path: path.relative),
                                  text: merged, at: path, baseVersion: theirs.version, baseChecksum: theirs.checksum,
                                  origin: .merge, seen: seen, deadline: deadline) {
                case .won(let won, let copy): return SaveOutput(status: .merged, record: won, text: merged, outsideWriteCopy: copy)
                case .lost(let now): current = now
                }
            case .conflict(let hunks, let markedText):
                return try keepConflict(input, theirs: Theirs(record: theirs, text: theirText), hunks: hunks, markedText: markedText)
            case nil:
                let whole = ConflictHunk(baseLines: 0..<0, oursLines: 0..<lineCount(input.text),
                                         theirsLines: 0..<lineCount(theirText), base: "", ours: input.text, theirs: theirText)
                return try keepConflict(input, theirs: Theirs(record: theirs, text: theirText), hunks: [whole], markedText: theirText)
            }
        }
        throw SaveRace(path: path.relative)
    }

    private enum Committed {
        case won(NoteRecord, outsideWriteCopy: String?)
        case lost(NoteRecord?)
    }

    /// Writes `bytes` to a temp file, swaps the index from `baseVersion`, and on a won swap re-checks
    /// the file and renames. A lost swap removes the temp file and says what the index holds now.
    private func commit(_ bytes: [UInt8], checksum: String, parsed: ParsedNote, text: String, at path: ResolvedPath,
                        baseVersion: Int64, baseChecksum: String?, origin: VersionOrigin, seen: FileSeen,
                        deadline: Date) throws -> Committed {
        let temporary = try AtomicFile.writeTemporary(bytes, beside: path)
        var renamed = false
        defer { if !renamed { unremoved.discard(temporary) } }
        var info = stat()
        let mtime = stat(temporary, &info) == 0 ? info.mtimeNanoseconds : 0
        ownWrites.insert(path: path.relative, checksum: checksum)
        let write = NoteWrite(path: path.relative, bytes: bytes, checksum: checksum, parsed: parsed, mtime: mtime)
        guard case .won(let won) = try index.save(write, baseVersion: baseVersion, baseChecksum: baseChecksum,
                                                   origin: origin, device: device) else {
            ownWrites.remove(path: path.relative, checksum: checksum)
            return .lost(try index.record(path: path.relative))
        }
        do {
            if !seen.isUnchanged(path), let now = try index.record(path: path.relative), now.version > won.version {
                // A newer version, swapped against ours (so derived from it), was renamed in while we
                // were swapping: renaming ours now would put older bytes over it. Ours is in the history.
                return .won(won, outsideWriteCopy: nil)
            }
            let copy = try keepOutsideWrite(at: path, seen: seen, known: [checksum, baseChecksum], deadline: deadline)
            ownWrites.wrote(path: path.relative, size: Int64(bytes.count), mtime: mtime)  // before inotify can see it
            try AtomicFile.commit(temporary: temporary, to: path)
            renamed = true
            return .won(won, outsideWriteCopy: copy)
        } catch {
            realign(path, after: won)
            throw error
        }
    }

    /// Writes the index's current bytes to the file (no swap: the index has them already).
    private func place(_ bytes: [UInt8], at path: ResolvedPath, seen: FileSeen, known: [String?], deadline: Date) throws -> String? {
        let temporary = try AtomicFile.writeTemporary(bytes, beside: path)
        var renamed = false
        defer { if !renamed { unremoved.discard(temporary) } }
        let copy = try keepOutsideWrite(at: path, seen: seen, known: known, deadline: deadline)
        try AtomicFile.commit(temporary: temporary, to: path)
        renamed = true
        return copy
    }

    /// Just before the rename: if another program wrote the file since this save read it, with bytes
    /// the index does not keep (not ours, not the version we swapped against, no version of the
    /// note), they are kept as a copy beside the note (our rename must not drop them unseen);
    /// returns its path.
    private func keepOutsideWrite(at path: ResolvedPath, seen: FileSeen, known: [String?], deadline: Date) throws -> String? {
        guard !seen.isUnchanged(path) else { return nil }
        guard let file = try SettledRead.file(path, until: deadline), file.checksum != seen.checksum,
              !known.contains(file.checksum), try !index.knows(checksum: file.checksum, path: path.relative) else { return nil }
        let copy = try ConflictCopy.write(file.bytes, for: path, device: "outside", in: root)
        Log.warning("\(path.relative): another program wrote it during a save; its text is kept in \(copy.relative)")
        return copy.relative
    }

    /// After a won swap whose rename failed: the index names our bytes, the file does not have them.
    /// A readable file goes back into the index as the newest version (ours stays in the history);
    /// an unreachable one (a mount gone: ENOENT, ENOTCONN, EIO) is left to the observer's heal.
    /// Never `remove`: unreachable is not deleted.
    private func realign(_ path: ResolvedPath, after won: NoteRecord) {
        guard let file = try? NoteFile.read(path), file.checksum != won.checksum else { return }
        _ = try? index.recordObserved(file.write(path: path.relative), replacing: won.version, baseChecksum: won.checksum,
                                      origin: .scan, device: device)
    }

    /// What the index holds for the note now, after recording `disk` as a version of its own if the
    /// index never saw its bytes (an outside write). A file showing an older known version (a mount
    /// lagging) is not recorded.
    private func recordUnseen(_ disk: NoteFile?, at path: ResolvedPath, outsideWrites: (any OutsideWrites)?) throws -> NoteRecord? {
        var current = try index.record(path: path.relative)
        if let outsideWrites, let disk, disk.checksum != current?.checksum,
           try !index.knows(checksum: disk.checksum, path: path.relative) {
            // The version these bytes replace may be one their writer never saw: the observe path
            // keeps it as a conflict copy. Bytes it could not record are never renamed over.
            ownWrites.insert(path: path.relative, checksum: disk.checksum)
            try outsideWrites.recordOutsideWrite(at: path)
            guard try index.knows(checksum: disk.checksum, path: path.relative) else {
                ownWrites.remove(path: path.relative, checksum: disk.checksum)
                throw SaveRace(path: path.relative)
            }
            return try index.record(path: path.relative)
        }
        for _ in 0..<3 {
            guard let disk, disk.checksum != current?.checksum,
                  try !index.knows(checksum: disk.checksum, path: path.relative) else { return current }
            ownWrites.insert(path: path.relative, checksum: disk.checksum)
            switch try index.recordObserved(disk.write(path: path.relative), replacing: current?.version ?? 0,
                                            baseChecksum: current?.checksum, origin: .scan, device: device) {
            case .won(let recorded): return recorded
            case .lost(let now):
                ownWrites.remove(path: path.relative, checksum: disk.checksum)
                current = now
            }
        }
        return current
    }

    /// The text of the version the index holds, from the index (checksum verified); only a version
    /// recorded without text (before the history) is read from the file once it shows it.
    private func text(of record: NoteRecord, disk: NoteFile?, at path: ResolvedPath, deadline: Date) throws -> String {
        if let disk, disk.checksum == record.checksum { return disk.text }
        if let kept = try index.version(path: path.relative, version: record.version), kept.info.checksum == record.checksum,
           let text = kept.text {
            return text
        }
        return try freshness.read(path, checksum: record.checksum, size: record.size, deadline: deadline).text
    }

    /// The base's text: the open buffer's, else the index's text of the base version.
    private func baseText(of input: SaveInput) throws -> String? {
        if let text = input.baseText { return text }
        guard input.baseVersion > 0,
              let kept = try index.version(path: input.path.relative, version: input.baseVersion),
              input.baseChecksum == nil || kept.info.checksum == input.baseChecksum else { return nil }
        return kept.text
    }

    package struct Theirs {
        var record: NoteRecord
        var text: String

        package init(record: NoteRecord, text: String) {
            self.record = record
            self.text = text
        }
    }

    private func keepConflict(_ input: SaveInput, theirs: Theirs, hunks: [ConflictHunk], markedText: String) throws -> SaveOutput {
        let copy = try ConflictCopy.write(Array(input.text.utf8), for: input.path, device: device, in: root)
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

/// Serialises saves of one path within this process. Recursive: a save that records an outside
/// write goes through the observe path, which may restore the file under the same lock.
package final class PathLocks: Sendable {
    private let locks = Locked<[String: NSRecursiveLock]>([:])   // one per path ever saved, never removed

    package init() {}

    package func withLock<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let pathLock = locks.withLock { locks in
            if let existing = locks[path] { return existing }
            let created = NSRecursiveLock()
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

/// Records an outside write found by a save (bytes on disk the index never saw) the way every
/// observed write is recorded; the vault's context implements it with `observe`.
package protocol OutsideWrites: Sendable {
    func recordOutsideWrite(at path: ResolvedPath) throws
}
