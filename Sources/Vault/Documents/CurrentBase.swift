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
        var record = try index.record(path: path.relative)
        let disk = try readForOpen(path, indexed: record != nil)
        for _ in 0..<3 {
            guard let current = record else {
                // No file, or a mount still showing a version of a note deleted since: it does not exist.
                guard let disk, try !index.knows(checksum: disk.checksum, path: path.relative) else {
                    return OpenedNote(base: BaseState(version: 0, text: ""), source: disk == nil ? .mount : .index, stale: false)
                }
                switch try index.recordObserved(disk.write(path: path.relative), replacing: 0, baseChecksum: nil,
                                                origin: .open, device: device) {
                case .won(let recorded): return Self.fromMount(disk, recorded)
                case .lost(let now): record = now
                }
                continue
            }
            guard let disk, disk.checksum != current.checksum else {
                if let disk { return Self.fromMount(disk, current) }
                return try fromIndex(current, disk: nil, at: path)
            }
            if let shown = try index.knownVersion(path: path.relative, checksum: disk.checksum)?.version {
                var opened = try fromIndex(current, disk: disk, at: path)
                opened.mountShows = BaseState(version: shown, checksum: disk.checksum, text: disk.text)
                return opened
            }
            // An outside write nobody recorded yet: it becomes the newest version, unless the index moved on.
            switch try index.recordObserved(disk.write(path: path.relative), replacing: current.version,
                                            baseChecksum: current.checksum, origin: .open, device: device) {
            case .won(let recorded): return Self.fromMount(disk, recorded)
            case .lost(let now): record = now
            }
        }
        guard let current = record else { return OpenedNote(base: BaseState(version: 0, text: ""), source: .mount, stale: false) }
        return try fromIndex(current, disk: nil, at: path)
    }

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
