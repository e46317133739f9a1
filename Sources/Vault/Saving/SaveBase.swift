import Foundation
import Index
import Workspace

/// A save as the client asks for it: the text, and the version it says the text was edited from.
package struct SaveRequest: Sendable {
    package var path: ResolvedPath
    package var text: String
    package var force: Bool
    package var baseVersion: Int64?         // 0: the client believes the note does not exist yet
    package var baseChecksum: String?
    /// How the index records the new version (`restore` for a save of an older version's text).
    package var origin = VersionOrigin.save

    package init(path: ResolvedPath, text: String, force: Bool, baseVersion: Int64?, baseChecksum: String?) {
        self.path = path
        self.text = text
        self.force = force
        self.baseVersion = baseVersion
        self.baseChecksum = baseChecksum
    }
}

/// A save over an existing note that names no base: refused rather than overwrite a text unseen.
package struct MissingBase: Error, CustomStringConvertible {
    package var path: String
    package var description: String { "baseVersion: \(path) exists; pass the baseVersion from notes/open, or force: true" }
}

extension VaultContext {
    /// Blocking: chooses the base of `request` and saves it (docs/save-protocol.md).
    package func save(_ request: SaveRequest, document: OpenDocument?) throws -> SaveOutput {
        let input = try saveInput(for: request, document: document)
        return try saver.save(input, deadline: Date().addingTimeInterval(saveTimeout * 0.8), outsideWrites: self)
    }

    /// The base a save is compared and merged against: the version the client names (its checksum
    /// from the client, the open buffer or the index; its text is read from the index when a merge
    /// needs it), else the open buffer's base, else what the index holds for the client's checksum.
    /// A save of an existing note with none of these is refused unless forced.
    func saveInput(for request: SaveRequest, document: OpenDocument?) throws -> SaveInput {
        let path = request.path
        var input = SaveInput(path: path, text: request.text, baseVersion: 0, baseChecksum: nil, baseText: nil, force: request.force)
        input.origin = request.origin
        let baseChecksum = request.baseChecksum
        if let baseVersion = request.baseVersion {
            input.baseVersion = baseVersion
            let buffer = document?.base.flatMap { $0.version == baseVersion ? $0 : nil }
            if let buffer, baseChecksum == nil || buffer.checksum == baseChecksum {
                input.baseChecksum = buffer.checksum
                input.baseText = buffer.text
            } else if let baseChecksum {
                input.baseChecksum = baseChecksum
            } else if let known = saver.indexed[path.relative, baseVersion] {
                input.baseChecksum = known  // its text is read from the index if a merge needs it
            } else if baseVersion > 0, let kept = try index.version(path: path.relative, version: baseVersion) {
                // A version number names one text for good: the index's (never what a mount showed).
                input.baseChecksum = kept.info.checksum
                input.baseText = kept.text
            }
        } else if let base = try document?.base ?? (document != nil ? currentBase(path) : nil) {
            input.baseVersion = base.version
            input.baseChecksum = base.checksum
            input.baseText = base.text
        } else if !request.force {
            let current = try index.record(path: path.relative)
            let exists = try current != nil || fileShowsANote(path)
            if let baseChecksum, let current, current.checksum == baseChecksum {
                input.baseVersion = current.version
                input.baseChecksum = baseChecksum
            } else if let baseChecksum {
                input.baseVersion = -1  // a version nobody has: the save must go through a merge
                input.baseChecksum = baseChecksum
            } else if exists {
                throw MissingBase(path: path.relative)
            }
        }
        return input
    }

    /// As notes/open sees it: no file, or a file still showing a version of a note deleted since,
    /// is no note (a file that cannot be read settled counts as one).
    private func fileShowsANote(_ path: ResolvedPath) throws -> Bool {
        guard NoteFile.stamp(path) != nil else { return false }
        guard let file = try? NoteFile.read(path) else { return true }
        return try !index.knows(checksum: file.checksum, path: path.relative)
    }
}
