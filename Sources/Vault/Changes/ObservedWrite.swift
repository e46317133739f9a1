import Foundation
import Index
import Merge
import Notes
import Support
import Workspace

/// What `VaultContext.observe` made of a note file seen changed.
package enum Observation: Sendable, Equatable {
    /// The index already holds these bytes (only the file's size and mtime may have changed).
    case unchanged(NoteRecord)
    /// The file shows an older version of the note: the mount lags (or an old copy was put
    /// back). Nothing recorded; the index keeps `current`.
    case older(NoteVersionInfo, current: NoteRecord)
    /// The file showed an older version of this device's newest one, written before it: the
    /// bucket went back, and `current` was written back over it (see `restoresOwnVersion`).
    case restored(NoteRecord, over: NoteVersionInfo)
    /// Bytes that may not be a version anyone finished writing: nothing recorded; look again later.
    case unsettled(NoteFileUnsettled)
    /// The file's bytes became the note's newest version. `replaced`: the version they replaced
    /// that their writer never saw, with the conflict copy holding its text.
    case recorded(NoteRecord, replaced: ReplacedVersion?)
    /// No file. `deleted`: the index's version was removed (only when the folder was reachable
    /// and the version's grace had passed).
    case missing(deleted: Bool)
    /// The index kept moving under us (every compare-and-swap lost): look again later.
    case busy
}

/// A version overwritten by a writer that never saw it, kept as a conflict copy.
package struct ReplacedVersion: Sendable, Equatable {
    package var version: Int64
    package var device: String
    /// Relative path of the conflict copy; nil when the index has no text for it.
    package var copy: String?
}

/// Who wrote the bytes being observed, which decides what they may replace without a copy.
package enum ObservedWriter: Sendable {
    /// An editor that writes files itself, whose buffer was based on these checksums (didSave);
    /// `heard` holds texts its document heard of by checksum, for a version the index has no text of.
    case editor(saw: Set<String>, heard: [String: String] = [:])
    /// Someone unknown: inotify, `notebridge watch` or a scan (`origin` says which). What they
    /// saw is what this mount last showed.
    case unknown(origin: VersionOrigin)

    var origin: VersionOrigin {
        switch self {
        case .editor: .editor
        case .unknown(let origin): origin
        }
    }
}

extension VaultContext {
    /// The one way a note file seen changed enters the index (inotify, scans, `notebridge watch`,
    /// an editor's didSave). A settled read only; bytes the index holds are nothing new; bytes of
    /// an older version are the mount lagging (until the grace passes: then the file wins, see
    /// `heal`); other bytes become the newest version by compare-and-swap against the version
    /// they replaced, whose text is kept as a conflict copy when their writer never saw it.
    /// `listedSize`: the size a scan listed (after a crash rclone can list the right size and serve
    /// fewer bytes); a read of another size is unsettled.
    package func observe(_ path: ResolvedPath, by writer: ObservedWriter, listedSize: Int64? = nil) throws -> Observation {
        for _ in 0..<4 {
            let file: NoteFile?
            do { file = try NoteFile.read(path) } catch let unsettled as NoteFileUnsettled { return .unsettled(unsettled) }
            guard let file else { return try observeMissing(path.relative, origin: writer.origin) }
            if let listedSize, listedSize != file.size {
                return .unsettled(NoteFileUnsettled(path: path.relative,
                                                    reason: .sizeMismatch(read: Int(file.size), expected: Int(listedSize))))
            }
            let current = try index.record(path: path.relative)
            defer { mountView.showed(path: path.relative, checksum: file.checksum) }
            if let current, current.checksum == file.checksum {
                if current.size != file.size || current.mtime != file.mtime {
                    try index.apply(upserts: [], stampUpdates: [StampUpdate(path: path.relative, size: file.size, mtime: file.mtime)],
                                    device: device)
                }
                return .unchanged(current)
            }
            var healing = false
            if let current, case .unknown = writer,
               let known = try index.knownVersion(path: path.relative, checksum: file.checksum), known.version < current.version {
                if try restoresOwnVersion(current, over: file, showing: known, at: path) { return .restored(current, over: known) }
                guard try graceHasPassed(for: current, savesInFlight: true) else { return .older(known, current: current) }
                healing = true
            }
            // About to record bytes as the newest version: on a mount, bytes the bucket holds or a
            // write made here (an editor's are), never a torn read of rclone's cache.
            if case .unknown = writer, let remoteObjects, !remoteObjects.backs(path: path.relative, bytes: file.bytes) {
                return .unsettled(NoteFileUnsettled(path: path.relative, reason: .notInBucket))
            }
            let replaced = try current.flatMap { current throws -> NoteVersion? in
                // Healing always keeps a copy, even of this device's own version: "not shown after
                // the grace" may be a save whose rename failed, or a version the bucket lost that
                // its device did not write back (see `restoresOwnVersion`).
                try (healing || !wasSeen(current, path: path.relative, by: writer, text: file.text))
                    ? index.version(path: path.relative, version: current.version) : nil
            }
            // The copy is written before the swap: a copy failing after it (the mount going away)
            // would leave the replaced text only in the history.
            let kept = try replaced.flatMap { try keepCopy(of: withText($0, heardBy: writer), beside: path) }
            let write = NoteWrite(path: path.relative, bytes: file.bytes, checksum: file.checksum,
                                  parsed: NoteParser.parse(file.text, path: path.relative), mtime: file.mtime)
            switch try index.recordObserved(write, replacing: current?.version ?? 0, baseChecksum: current?.checksum,
                                            origin: healing ? .scan : writer.origin, device: device) {
            case .won(let record):
                if let kept, kept.created { logKept(kept.replaced, of: path) }
                return .recorded(record, replaced: kept?.replaced)
            case .lost:
                // The index moved on: read the file again and compare with the new current version.
                // A copy made for this swap stays: the observer that won (another bridge on this
                // folder) may have found it and named it as its own.
                continue
            }
        }
        return .busy
    }

    /// Whether it wrote `current`, this device's newest version, back over `file`, which shows
    /// the older version `older` with a modification time from before `current` was recorded.
    /// This device wrote `current` through this mount, so the mount showed it; older bytes written
    /// before it showing now mean the bucket went back (an upload rclone cancelled when the next
    /// save replaced the file can still be committed by the S3 server after the later one; the
    /// object keeps the mtime of the bytes it carries). A program that writes older bytes now
    /// gives them a later mtime: that is a write, and the file wins after the grace as for any
    /// write. Healing the index to the older text instead would leave an acknowledged save only in
    /// a conflict copy. Another device's version is left to that device (or healed after the grace).
    private func restoresOwnVersion(_ current: NoteRecord, over file: NoteFile, showing older: NoteVersionInfo,
                                    at path: ResolvedPath) throws -> Bool {
        guard mountLag != nil, current.updatedBy == device,
              let recorded = try index.currentVersionInfo(path: path.relative), recorded.version == current.version,
              file.mtime < recorded.at * 1_000_000,
              let bytes = try index.version(path: path.relative, version: current.version)?.bytes,
              try saver.restore(current, bytes: bytes, over: file, at: path, deadline: Date().addingTimeInterval(saveTimeout))
        else { return false }
        remoteObjects?.uploadNow([path.relative])
        Log.warning("\(path.relative): the mount showed version \(older.version) again after this device's version "
            + "\(current.version) (the bucket went back); wrote version \(current.version) back")
        return true
    }

    /// A note the index has whose file is gone: removed (compare-and-swap on the version) only
    /// when the folder is reachable and lists, and the version is older than the grace — for a
    /// version a bridge saved, also than a save's lifetime: that save may sit between its swap and
    /// its rename, which puts the file back (an outside rename just before it leaves no file for a
    /// moment; deleting then let the next save overwrite the renamed-in text as a stale file).
    package func observeMissing(_ path: String, origin: VersionOrigin) throws -> Observation {
        mountView.forget(path: path)
        guard let current = try index.record(path: path) else { return .missing(deleted: false) }
        let recorded = try index.currentVersionInfo(path: path)
        let saved = recorded.map { [.save, .merge, .restore].contains($0.origin) } ?? false
        guard mountView.folderLists(path), try graceHasPassed(for: current, savesInFlight: saved, recordedAt: recorded?.at)
        else { return .missing(deleted: false) }
        if let resolved = try? root.resolve(relativePath: path), NoteFile.stamp(resolved) != nil { return .missing(deleted: false) }
        switch try index.deleteIfVersion(path: path, baseVersion: current.version, device: device, origin: origin) {
        case .deleted: return .missing(deleted: true)
        case .lost: return .missing(deleted: false)
        }
    }

    /// Whether a mount has had time to show `current`: at once on a local disk; on a mount after
    /// the grace, counted from when the index recorded it (shorter for this device's own
    /// writes, which go through this mount: only a save still under way may not show yet).
    /// `savesInFlight`: also wait out a save that may sit between its swap and its rename (up to a
    /// save timeout, on a local disk too) — an older file then is that save in flight, not a note
    /// to heal.
    /// `recordedAt`: when the index recorded `current`, if the caller has already asked.
    func graceHasPassed(for current: NoteRecord, savesInFlight: Bool = false, recordedAt: Int64? = nil) throws -> Bool {
        let inFlight = Int64((saveTimeout + 2) * 1000)
        let grace: Int64
        if let lag = mountLag {
            grace = current.updatedBy == device ? inFlight : max(savesInFlight ? inFlight : 0, lag.graceMilliseconds)
        } else {
            guard savesInFlight else { return true }
            grace = inFlight
        }
        let at = try recordedAt ?? index.currentVersionInfo(path: current.path)?.at ?? current.updatedAt
        return Self.nowMilliseconds() - at >= grace
    }

    private static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Whether the writer of the observed bytes (`text`) may have seen `current` (so replacing it is
    /// an ordinary edit). An editor: its buffer was based on it (or this device wrote it). Someone
    /// unknown, when `current` is recent: the texts decide — `text` kept the changes `current` made
    /// to its parent (a mount can deliver, seconds after this device's save, another device's write
    /// made from the parent; and a program reads, then writes). Otherwise: this device wrote it
    /// (through this mount), this mount showed it, or it is older than the grace — except that a
    /// bridge's version younger than `settleMilliseconds` never counts as seen by an outside program.
    private func wasSeen(_ current: NoteRecord, path: String, by writer: ObservedWriter, text: String) throws -> Bool {
        switch writer {
        case .editor(let saw, _): return current.updatedBy == device || saw.contains(current.checksum)
        case .unknown:
            let info = try index.currentVersionInfo(path: current.path)
            let age = Self.nowMilliseconds() - (info?.at ?? current.updatedAt)
            if age < max(Self.recentMilliseconds, mountLag?.graceMilliseconds ?? 0),
               let kept = try keepsChanges(of: current, in: text) {
                return kept
            }
            if let info, [.save, .merge, .restore].contains(info.origin), age < Self.settleMilliseconds {
                return false
            }
            if current.updatedBy == device { return true }
            if let shown = mountView.lastShown(path: path) { return shown == current.checksum }
            return try graceHasPassed(for: current, recordedAt: info?.at ?? current.updatedAt)
        }
    }

    static let settleMilliseconds: Int64 = 2_000
    /// How long a version counts as recent: overwriting it is judged by the texts.
    static let recentMilliseconds: Int64 = 60_000

    /// Whether `text` kept the changes `current` made to the version before it; nil when the index
    /// lacks either text (a first version, a deletion, a version from before the history).
    private func keepsChanges(of current: NoteRecord, in text: String) throws -> Bool? {
        guard current.version > 1, let version = try index.version(path: current.path, version: current.version)?.text,
              let parent = try index.version(path: current.path, version: current.version - 1)?.text else { return nil }
        return KeptChanges.keeps(changesFrom: parent, to: version, in: text)
    }

    /// Serialises looking for an existing copy and writing a new one, so two observers of one
    /// overwrite in this process keep a single copy.
    private static let copyWriting = Locked(())

    /// Keeps version `version` of the note at `path` as a conflict copy (the index's text, else
    /// what `writer`'s document heard of it): for a write another observer recorded first.
    package func keepReplaced(version: Int64, of path: ResolvedPath, by writer: ObservedWriter) throws -> ReplacedVersion? {
        guard let replaced = try index.version(path: path.relative, version: version), !replaced.info.isDeletion,
              let copy = try keepCopy(of: withText(replaced, heardBy: writer), beside: path) else { return nil }
        if copy.created { logKept(copy.replaced, of: path) }
        return copy.replaced
    }

    /// `version` with the text the writer's document heard of it when the index has none
    /// (a version written before the history kept texts).
    private func withText(_ version: NoteVersion, heardBy writer: ObservedWriter) -> NoteVersion {
        guard version.bytes == nil, case .editor(_, let heard) = writer, let checksum = version.info.checksum,
              let text = heard[checksum] else { return version }
        var withText = version
        withText.bytes = Array(text.utf8)
        return withText
    }

    /// Writes the replaced version's text beside the note, or finds a copy already holding it
    /// (`created` false); nil for an empty version (nothing to keep).
    private func keepCopy(of replaced: NoteVersion, beside path: ResolvedPath) throws -> (replaced: ReplacedVersion, created: Bool)? {
        var kept = ReplacedVersion(version: replaced.info.version, device: replaced.info.device, copy: nil)
        guard let bytes = replaced.bytes else { return (kept, false) }
        if bytes.isEmpty { return nil }
        let created = try Self.copyWriting.withLock { _ -> Bool in
            if let existing = ConflictCopy.existing(of: path, holding: bytes, in: root) {
                kept.copy = existing.relative
                return false
            }
            let copy = try ConflictCopy.keep(bytes, version: replaced.info.version, of: path, device: replaced.info.device,
                                             at: Date(timeIntervalSince1970: Double(replaced.info.at) / 1000), in: root)
            kept.copy = copy.path.relative
            return copy.created
        }
        return (kept, created)
    }

    private func logKept(_ kept: ReplacedVersion, of path: ResolvedPath) {
        Log.info("\(path.relative): a write replaced version \(kept.version) by \(kept.device) "
            + "that its writer never saw; that text is kept in \(kept.copy ?? "(no copy)")")
    }
}

extension VaultContext: OutsideWrites {
    package func recordOutsideWrite(at path: ResolvedPath) throws {
        _ = try observe(path, by: .unknown(origin: .scan))
    }
}
