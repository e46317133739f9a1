import Foundation
import Index
import Notes
import Workspace

extension VaultContext {
    /// Blocking: the note as the index and the mount agree on it now. When the mount lags behind
    /// the index, the base keeps the index's version but the mount's checksum, so a save from it
    /// cannot win the compare-and-swap until the mount has caught up.
    package func currentBase(_ path: ResolvedPath, freshnessWait: Double = 2) throws -> BaseState {
        var record = try index.record(path: path.relative)
        var file = try NoteFile.read(path)
        if let known = record, file?.checksum != known.checksum {
            if let fresh = try? freshness.read(path, checksum: known.checksum, size: known.size,
                                                       deadline: Date().addingTimeInterval(freshnessWait)) {
                file = fresh
            } else if let disk = file, disk.mtime > known.mtime {
                // Written by something that bypassed the index: record it.
                record = try index.upsert(disk, path: path.relative, device: device)
            }
        } else if record == nil, let disk = file {
            if case .indexed(let indexed) = try Indexer.indexFile(root: root, path: path.relative, into: index, device: device) {
                record = indexed
            }
            file = disk
        }
        return BaseState(version: record?.version ?? 0, checksum: file?.checksum, text: file?.text ?? "")
    }

    /// Blocking: the note as it is now, if the index and the mount both hold `version` of it.
    func current(at version: Int64, _ path: ResolvedPath) throws -> BaseState? {
        guard let record = try index.record(path: path.relative), record.version == version,
              let file = try NoteFile.read(path), file.checksum == record.checksum else { return nil }
        return BaseState(version: version, checksum: record.checksum, text: file.text)
    }
}
