import Index
import Support
import Workspace

extension Indexer {
    /// The scan's changed and missing notes that the index has, and the `new` ones it reads this
    /// way too, each through `vault.observe`.
    static func observe(_ changed: [FileStamp], new: [FileStamp], missing: [String], in vault: VaultContext,
                        stats: inout IndexStats) throws(IndexingError) {
        let added = Set(new.map(\.relativePath))
        for file in changed + new {
            let path = file.relativePath
            switch try observing(path, {
                try vault.observe(try vault.root.resolve(relativePath: path), by: .unknown(origin: .scan), listedSize: file.size)
            }) {
            case .unchanged: stats.unchanged += 1
            case .older: stats.lagging += 1
            case .restored: stats.restored += 1
            case .recorded: if added.contains(path) { stats.added += 1 } else { stats.updated += 1 }
            case .unsettled, .busy, nil: stats.unreadable.append(path)
            case .missing(let deleted): if deleted { stats.removed += 1 } else { stats.lagging += 1 }
            }
        }
        // An unreachable root (a mount gone, ENOTCONN, EIO) lists nothing: that deletes nothing.
        guard !missing.isEmpty, vault.mountView.isReachable else {
            stats.lagging += missing.count
            return
        }
        for path in missing {
            if case .missing(deleted: true) = try observing(path, { try vault.observeMissing(path, origin: .scan) }) {
                stats.removed += 1
            } else {
                stats.lagging += 1
            }
        }
    }

    /// One note's observation; an index failure stops the scan, any other (EIO reading the
    /// file, a bad path) leaves that note as it was (nil).
    private static func observing(_ path: String, _ body: () throws -> Observation) throws(IndexingError) -> Observation? {
        do {
            return try body()
        } catch let error as SQLError {
            throw .index(error)
        } catch {
            Log.warning("scan: \(path): \(error)")
            return nil
        }
    }
}
