import Foundation
import Index
import Notes
import Workspace

/// A note as `notes/open` serves it: the index's current version, with its text from the index
/// when the mount does not show it (yet), else as the mount shows it.
package struct OpenedNote: Sendable {
    package enum Source: String, Sendable {
        /// The text came from the index (checksum verified): the mount shows an older version, is
        /// mid-write, or does not list the file yet.
        case index
        /// The mount shows the index's current version (or bytes just recorded as it).
        case mount
    }

    package var base: BaseState
    package var source: Source
    /// The text is not the index's current version: only for a version recorded without its text
    /// (before the history) while the mount shows an older file. A save from it merges.
    package var stale: Bool
    /// The version the mount shows when it lags behind the index (nil otherwise).
    var mountShows: BaseState?

    package var exists: Bool { base.checksum != nil }
}

extension VaultContext {
    /// Blocking: the note's current version for `notes/open` (docs/save-protocol.md, "open").
    /// Bytes on the mount the index never saw are recorded first, by compare-and-swap against the
    /// version they replaced; nothing waits for the mount to catch up.
    package func openNote(_ path: ResolvedPath) throws -> OpenedNote {
        let opened = try openNoteFromIndexOrMount(path)
        if !opened.stale, let checksum = opened.base.checksum {
            saver.indexed.remember(path: path.relative, version: opened.base.version, checksum: checksum)
        }
        return opened
    }

    /// Serving the index's text while the mount lags: ask rclone (if we can) to re-list the note's
    /// folder, without waiting, so the mount catches up.
    private func askMountToCatchUp(_ path: ResolvedPath) {
        guard let remoteControl = freshness.remoteControl else { return }
        let folder = MountFreshness.join(freshness.mountPrefix, (path.relative as NSString).deletingLastPathComponent)
        DispatchQueue.global(qos: .utility).async { try? remoteControl.refresh(directory: folder) }
    }

    private func openNoteFromIndexOrMount(_ path: ResolvedPath) throws -> OpenedNote {
        for _ in 0..<3 {
            let current = try index.record(path: path.relative)
            guard let disk = try readForOpen(path, indexed: current != nil) else {
                return try current.map { try fromIndex($0, disk: nil, at: path) } ?? Self.missing
            }
            if let current, disk.checksum == current.checksum { return Self.fromMount(disk, current) }
            if let shown = try index.knownVersion(path: path.relative, checksum: disk.checksum)?.version {
                guard let current, shown < current.version else {
                    // Recorded after we read the note's record (an observer swapped while we read the
                    // file): read again. Else a version of a note deleted since: no note.
                    if try index.record(path: path.relative) != nil { continue }
                    return Self.missing
                }
                // The mount shows an older version.
                var opened = try fromIndex(current, disk: disk, at: path)
                opened.mountShows = BaseState(version: shown, checksum: disk.checksum, text: disk.text)
                return opened
            }
            // Bytes nobody recorded: an outside write. They enter the index the one way observed
            // files do (compare-and-swap; a version their writer never saw is kept as a copy), then
            // the note is read again.
            if case .unsettled(let unsettled) = try observe(path, by: .unknown(origin: .open)), current == nil { throw unsettled }
        }
        return try index.record(path: path.relative).map { try fromIndex($0, disk: nil, at: path) } ?? Self.missing
    }

    private static let missing = OpenedNote(base: BaseState(version: 0, text: ""), source: .mount, stale: false)

    /// Blocking: what a newly opened editor buffer is based on. The editor read the file itself, so
    /// when the mount shows an older version of the note the base is that version (its text is the
    /// buffer's; a save merges with the newer one); otherwise the index's current version.
    package func currentBase(_ path: ResolvedPath) throws -> BaseState {
        let opened = try openNote(path)
        return opened.mountShows ?? opened.base
    }

    /// The file, or nil when it is missing; for a note the index has, also nil when the mount cannot
    /// give settled bytes now (the index serves its text instead).
    private func readForOpen(_ path: ResolvedPath, indexed: Bool) throws -> NoteFile? {
        do {
            return try NoteFile.read(path)
        } catch let error as NoteFileUnsettled {
            if indexed { return nil }
            throw error
        } catch let error as FileError {
            if indexed { return nil }
            throw error
        }
    }

    private static func fromMount(_ disk: NoteFile, _ record: NoteRecord) -> OpenedNote {
        OpenedNote(base: BaseState(version: record.version, checksum: record.checksum, text: disk.text), source: .mount, stale: false)
    }

    /// The index's current version with its text from the index. A version kept without text (before
    /// the history) falls back to what the mount shows, marked stale.
    private func fromIndex(_ current: NoteRecord, disk: NoteFile?, at path: ResolvedPath) throws -> OpenedNote {
        askMountToCatchUp(path)
        if let kept = try index.version(path: path.relative, version: current.version), kept.info.checksum == current.checksum,
           let text = kept.text {
            return OpenedNote(base: BaseState(version: current.version, checksum: current.checksum, text: text), source: .index,
                              stale: false)
        }
        guard let disk else { return OpenedNote(base: BaseState(version: current.version, text: ""), source: .mount, stale: true) }
        return OpenedNote(base: BaseState(version: current.version, checksum: disk.checksum, text: disk.text), source: .mount,
                          stale: true)
    }
}
