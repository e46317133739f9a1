import Foundation
import Index
import Workspace

/// Why a version's text cannot be served or restored; the message says which and what to do.
public enum VersionLookupError: Error, CustomStringConvertible {
    case notKept(path: String, version: Int64)
    case deletion(path: String, version: Int64)
    case textNotKept(path: String, version: Int64)

    public var description: String {
        switch self {
        case .notKept(let path, let version):
            "the index keeps no version \(version) of \(path) (list the versions with notes/history or `notebridge history`)"
        case .deletion(let path, let version):
            "version \(version) of \(path) is its deletion, which has no text; pick an earlier version"
        case .textNotKept(let path, let version):
            "the index did not keep the text of version \(version) of \(path) (it was recorded before the history kept texts)"
        }
    }
}

extension VaultContext {
    /// Blocking: version `version` of the note at `path` with its text, from the index (also when
    /// the file no longer has it, or the note was deleted).
    package func keptVersion(path: String, version: Int64) throws -> (info: NoteVersionInfo, text: String) {
        guard let stored = try index.version(path: path, version: version) else {
            throw VersionLookupError.notKept(path: path, version: version)
        }
        guard let text = stored.text else {
            throw stored.info.isDeletion ? VersionLookupError.deletion(path: path, version: version)
                : VersionLookupError.textNotKept(path: path, version: version)
        }
        return (stored.info, text)
    }

    /// Blocking: saves the text of `version` as the note's newest version (origin `restore`), an
    /// ordinary save whose base is `baseVersion`, by default the version the index holds now (0
    /// for a deleted note, which the save re-creates). A save by someone else in between is merged
    /// (against the base's text from the history) or kept as a conflict copy like any other;
    /// nothing is overwritten unseen.
    package func restore(_ path: ResolvedPath, version: Int64, baseVersion: Int64? = nil) throws -> SaveOutput {
        let kept = try keptVersion(path: path.relative, version: version)
        let current = try index.record(path: path.relative)
        let base = baseVersion ?? current?.version ?? 0
        // The base's text for a merge comes from the index (see `saveInput`).
        let baseChecksum = base == current?.version ? current?.checksum
            : base > 0 ? try index.version(path: path.relative, version: base)?.info.checksum : nil
        var request = SaveRequest(path: path, text: kept.text, force: false, baseVersion: base, baseChecksum: baseChecksum)
        request.origin = .restore
        return try save(request, document: nil)
    }
}
