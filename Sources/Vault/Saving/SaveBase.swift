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
    /// Blocking: chooses the base of `request` and saves it (DESIGN.md's save algorithm).
    package func save(_ request: SaveRequest, document: OpenDocument?, served: ServedVersions) throws -> SaveOutput {
        let input = try saveInput(for: request, document: document, served: served)
        return try saver.save(input, deadline: Date().addingTimeInterval(saveTimeout * 0.8))
    }

    /// The base a save is compared and merged against: the version the client names (with its text
    /// from the open buffer, what notes/open served, or the note now), else the open buffer's base,
    /// else what the index holds for the client's checksum. A save of an existing note with none of
    /// these is refused unless forced.
    func saveInput(for request: SaveRequest, document: OpenDocument?, served: ServedVersions) throws -> SaveInput {
        let path = request.path
        var input = SaveInput(path: path, text: request.text, baseVersion: 0, baseChecksum: nil, baseText: nil, force: request.force)
        input.origin = request.origin
        let baseChecksum = request.baseChecksum
        if let baseVersion = request.baseVersion {
            // The text of that version: the open buffer's base, or what notes/open served.
            let known = try document?.base.flatMap { $0.version == baseVersion ? $0 : nil }
                ?? served[path.relative, baseVersion]
                ?? current(at: baseVersion, path)
            input.baseVersion = baseVersion
            input.baseChecksum = baseChecksum ?? known?.checksum
            input.baseText = known.flatMap { baseChecksum == nil || $0.checksum == baseChecksum ? $0.text : nil }
        } else if let base = try document?.base ?? (document != nil ? currentBase(path) : nil) {
            input.baseVersion = base.version
            input.baseChecksum = base.checksum
            input.baseText = base.text
        } else if !request.force {
            let current = try index.record(path: path.relative)
            let exists = current != nil || NoteFile.stamp(path) != nil
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
}
