import Foundation
import Index
import Workspace

// Creating, moving, rewriting and deleting whole notes: each step through the same
// compare-and-swap in the index as a save (SaveCoordinator), so a change made meanwhile elsewhere
// is merged, kept as a conflict copy or kept in place, never overwritten unseen. All blocking.

/// A note a request names that is not there; the description says which.
package struct NoteNotFound: Error, CustomStringConvertible {
    package var description: String
}

/// What `deleteNote` did.
package enum NoteDeletion: Sendable {
    case deleted
    /// Another version was saved meanwhile (its version, if the note still exists): nothing deleted.
    case lost(currentVersion: Int64?)
    /// Deleted from the index, but the file could not be unlinked; a readable file went back into
    /// the index (by compare-and-swap against the deletion).
    case fileKept(FileError)
}

/// What `createNote` did.
package enum NoteCreation: Sendable {
    /// A file is at the path already; nothing was written.
    case exists
    case saved(SaveOutput)
}

extension VaultContext {
    /// Saves `text` as a new note at `path`, unless a file is there already.
    package func createNote(at path: ResolvedPath, text: String, document: OpenDocument?) throws -> NoteCreation {
        if NoteFile.stamp(path) != nil { return .exists }
        return .saved(try save(SaveRequest(path: path, text: text, force: false, baseVersion: nil, baseChecksum: nil),
                               document: document))
    }

    /// The first step of moving a note: its saved text at `old.path`, rewritten by `rewrite`, saved as
    /// a new note at `newPath` (the old path stays; `deleteNote` it at `old.version` next).
    package func copyNote(_ old: NoteRecord, to newPath: ResolvedPath, document: OpenDocument?,
                          rewrite: (String) -> String) throws -> SaveOutput {
        guard let file = try NoteFile.read(try root.resolve(relativePath: old.path)) else {
            throw NoteNotFound(description: "\(old.path) does not exist")
        }
        let request = SaveRequest(path: newPath, text: rewrite(file.text), force: false, baseVersion: nil, baseChecksum: nil)
        return try save(request, document: document)
    }

    /// Saves the note at `path` (not open in an editor) with `rewrite` applied to its current text,
    /// based on the version the index has; nil when the file is gone.
    package func rewriteNote(at path: ResolvedPath, _ rewrite: (String) -> String) throws -> SaveOutput? {
        guard let file = try NoteFile.read(path) else { return nil }
        let record = try index.record(path: path.relative)
        let request = SaveRequest(path: path, text: rewrite(file.text), force: false, baseVersion: record?.version,
                                  baseChecksum: record?.checksum)
        return try save(request, document: nil)
    }

    /// Deletes the note at `path` if the index still holds `baseVersion` of it (default: the
    /// version it holds), then unlinks the file. `deletedFromIndex` runs between the two, so a
    /// watcher can know the deletion as its own before the file's disappearance is reported.
    package func deleteNote(_ path: ResolvedPath, baseVersion: Int64?, deletedFromIndex: () -> Void) throws -> NoteDeletion {
        guard let current = try index.record(path: path.relative) else {
            throw NoteNotFound(description: "\(path.relative) is not a note in the index")
        }
        switch try index.deleteIfVersion(path: path.relative, baseVersion: baseVersion ?? current.version, device: device) {
        case .lost(let now):
            return .lost(currentVersion: now?.version)
        case .deleted:
            deletedFromIndex()
            guard unlink(path.absolute) != 0 && errno != ENOENT else { return .deleted }
            // The file is still there (or unreachable): a readable one goes back into the index by
            // compare-and-swap against the deletion, never by an unconditional upsert.
            let error = FileError(operation: "delete", path: path.relative, code: errno)
            if let file = try? NoteFile.read(path) {
                _ = try? index.recordObserved(file.write(path: path.relative), replacing: 0, baseChecksum: nil,
                                              origin: .scan, device: device)
            }
            return .fileKept(error)
        }
    }
}
