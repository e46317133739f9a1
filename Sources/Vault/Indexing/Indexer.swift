import Foundation
import Index
import Notes
import Support
import Workspace

/// What one indexing run did.
public struct IndexStats: Sendable, Hashable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    /// Files whose size, mtime or checksum matched the index.
    public var unchanged = 0
    /// Files listed by the scan that could not be read (left as they were in the index).
    public var unreadable: [String] = []
    /// Files a mount showed older than the index has them, or not yet (see `MountLag`): left alone.
    public var lagging = 0
    /// Files that showed an older version of this device's newest one, which was written back.
    public var restored = 0
    public var elapsed: Duration = .zero
}

/// Why an indexing run stopped.
public enum IndexingError: Error, Sendable, Equatable {
    case scan(VaultScanError)
    case index(SQLError)
    /// A path given to `indexFile` is not a valid path inside the root.
    case path(PathError)
}

/// What `Indexer.indexFile` did with one file.
public enum FileIndexOutcome: Sendable, Hashable {
    case indexed(NoteRecord)
    case unchanged(NoteRecord)
    case removed
    /// Not a note file, or gone and never indexed.
    case ignored
}

/// Brings the index in line with the files under a root. Reads each changed file once, parses
/// on all cores, writes in batched transactions. Never writes to a note file.
public enum Indexer {
    /// Files parsed between two batched writes; bounds memory on large vaults.
    package static let filesPerRound = 1_000

    /// Incrementally indexes every note under `root`: files whose size and mtime match the index
    /// are skipped without being opened, files whose checksum matches only get their stamp updated.
    /// With `mountLag`, a file older (by mtime) than the index's record, and a missing file the
    /// index recorded recently, are taken as the mount lagging, not as changes.
    public static func index(root: VaultRoot, into index: NoteIndex, device: String, chunkSize: Int = 500,
                             mountLag: MountLag? = nil,
                             progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws(IndexingError) -> IndexStats {
        try self.index(root: root, into: index, device: device, chunkSize: chunkSize, mountLag: mountLag,
                       filesPerRound: filesPerRound, coldLoadBudget: ColdLoad.defaultBudget, progress: progress)
    }

    /// Incrementally indexes `vault`'s folder the way a running bridge or watcher must: notes the
    /// index does not have yet are written in bulk; a changed or missing note the index has goes
    /// through `VaultContext.observe` (compare-and-swap, lag and overwrite rules), one by one.
    public static func index(vault: VaultContext,
                             progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws(IndexingError) -> IndexStats {
        try index(root: vault.root, into: vault.index, device: vault.device, chunkSize: 500, mountLag: vault.mountLag,
                  filesPerRound: filesPerRound, coldLoadBudget: ColdLoad.defaultBudget, vault: vault, progress: progress)
    }

    /// `index` with the round size and the cold load's budget (see `ColdLoad`) given.
    package static func index(root: VaultRoot, into index: NoteIndex, device: String, chunkSize: Int, mountLag: MountLag?,
                      filesPerRound: Int, coldLoadBudget: Duration, vault: VaultContext? = nil,
                      progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws(IndexingError) -> IndexStats {
        let clock = ContinuousClock()
        let start = clock.now
        let scan: VaultScan
        let stamps: [String: IndexStamp]
        do { scan = try VaultScanner.scan(root) } catch { throw .scan(error) }
        do { stamps = try index.stamps() } catch { throw .index(error) }

        var stats = IndexStats()
        // Said, not silently skipped: a name that is not UTF-8 cannot be a note path.
        stats.unreadable = scan.invalidNames.map { "\($0) (file name is not valid UTF-8)" }
        var candidates: [FileStamp] = []
        var observed: [FileStamp] = []  // changed notes the index has, for `vault.observe`
        var observedNew: [FileStamp] = []  // new notes on a mount whose bucket can be asked, for `vault.observe`
        // Past the first index, new files on such a mount are checked against the bucket too: a
        // file renamed there can be served from its old name's stale cache (see `RemoteObjects.backs`).
        let checksNew = vault?.remoteObjects != nil && !stamps.isEmpty
        var seen = Set<String>()
        seen.reserveCapacity(scan.files.count)
        for file in scan.files {
            seen.insert(file.relativePath)
            if let stamp = stamps[file.relativePath], stamp.size == file.size, stamp.mtime == file.mtimeNanoseconds {
                stats.unchanged += 1
            } else if vault != nil, stamps[file.relativePath] != nil {
                // Read by `observe`, which tells the mount lagging (bytes of an older kept version)
                // from a write (bytes nobody recorded) by content: an mtime cannot, since a write
                // made elsewhere before the index's version can reach the bucket after it.
                observed.append(file)
            } else if mountLag != nil, let stamp = stamps[file.relativePath], file.mtimeNanoseconds < stamp.mtime {
                stats.lagging += 1
            } else if checksNew {
                observedNew.append(file)
            } else {
                candidates.append(file)
            }
        }
        var missing = stamps.keys.filter { path in
            !seen.contains(path) && !scan.unreadableFolders.contains(where: { path.hasPrefix($0 + "/") })
        }.sorted()
        var removals: [String] = []
        if vault == nil {
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            let graceNanoseconds = (mountLag?.graceMilliseconds ?? 0) * 1_000_000
            for path in missing {
                if now - stamps[path]!.mtime < graceNanoseconds { stats.lagging += 1 } else { removals.append(path) }
            }
            missing = []
        }

        let total = candidates.count + removals.count
        progress?(0, total)
        // A first index into an empty local index is one transaction (see ColdLoad).
        let coldLoad = stamps.isEmpty && !candidates.isEmpty ? ColdLoad.begin(on: index.executor, budget: coldLoadBudget) : nil
        // Parsing round k+1 overlaps writing round k.
        let writer = BackgroundWriter()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var done = 0
        do {
            for roundStart in stride(from: 0, to: candidates.count, by: filesPerRound) {
                let round = Array(candidates[roundStart..<min(roundStart + filesPerRound, candidates.count)])
                // While the writer works on the previous round, leave it a core: it is the slower stage.
                let prepared = prepare(round, root: root.path, stamps: stamps, threads: roundStart == 0 ? cores : cores - 1)
                for item in prepared {
                    switch item {
                    case .write(let write):
                        if stamps[write.path] == nil { stats.added += 1 } else { stats.updated += 1 }
                    case .stamp: stats.unchanged += 1
                    case .unreadable(let path): stats.unreadable.append(path)
                    }
                }
                try writer.finish()
                done += round.count
                let reached = done
                writer.start { () throws(SQLError) in
                    if let coldLoad, coldLoad.isOpen {
                        try coldLoad.write(prepared.compactMap(\.write), device: device)
                        if coldLoad.isOverBudget { try coldLoad.commit() }
                    } else {
                        try index.apply(upserts: prepared.compactMap(\.write), stampUpdates: prepared.compactMap(\.stamp),
                                        device: device, chunkSize: chunkSize, onlyIfContentChanged: true)
                    }
                    progress?(reached, total)
                }
            }
            try writer.finish()
            try coldLoad?.commit()
            try index.apply(upserts: [], removals: removals, device: device, chunkSize: chunkSize)
        } catch {
            try? writer.finish()
            coldLoad?.rollback()
            throw .index(error)
        }
        stats.removed = removals.count
        if let vault {
            try observe(observed, new: observedNew, missing: missing, in: vault, stats: &stats)
            // Also after start-up: an rclone that comes back uploads the temporary files still in
            // its cache, after the save that wrote one has stopped trying to remove it.
            LeftoverTemporaries.clean(scan.temporaries, in: vault.root, index: index, minimumAge: vault.saveTimeout)
        }
        progress?(total, total)
        stats.elapsed = clock.now - start
        return stats
    }

    /// Indexes one file (one transaction): re-indexes it if its content changed, removes it from
    /// the index if it is gone. `path` is relative to the root.
    public static func indexFile(root: VaultRoot, path: String, into index: NoteIndex,
                                 device: String) throws(IndexingError) -> FileIndexOutcome {
        let resolved: ResolvedPath
        do { resolved = try root.resolve(relativePath: path) } catch { throw .path(error) }
        do {
            return try indexFile(resolved, into: index, device: device, root: root.path)
        } catch {
            throw .index(error)
        }
    }

    private static func indexFile(_ file: ResolvedPath, into index: NoteIndex, device: String,
                                  root: String) throws(SQLError) -> FileIndexOutcome {
        let path = file.relative
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var info = stat()
        let statResult = lstat(file.absolute, &info), statError = errno
        let exists = statResult == 0 && (info.st_mode & S_IFMT) == S_IFREG
        guard exists, VaultScanner.isNoteFileName(name) else {
            // Gone only when the root itself answers (ENOTCONN/EIO on a mount is not "deleted"),
            // and only the version the index holds now (compare-and-swap).
            guard statResult == 0 || statError == ENOENT, access(root, R_OK) == 0, let current = try index.record(path: path) else {
                return .ignored
            }
            if case .deleted = try index.deleteIfVersion(path: path, baseVersion: current.version, device: device, origin: .scan) {
                return .removed
            }
            return .ignored
        }
        let stamp = FileStamp(relativePath: path, size: Int64(info.st_size), mtimeNanoseconds: info.mtimeNanoseconds)
        let current = try index.record(path: path)
        let stamps = current.map { [path: IndexStamp(size: $0.size, mtime: $0.mtime, checksum: $0.checksum, version: $0.version)] } ?? [:]
        switch prepare(stamp, root: root, stamps: stamps) {
        case .write(let write):
            // Bytes of an older version are a lagging mount, never the newest version; others
            // replace the version read just now by compare-and-swap (see `VaultContext.observe`).
            if let current, try index.knownVersion(path: path, checksum: write.checksum) != nil {
                return .unchanged(current)
            }
            switch try index.recordObserved(write, replacing: current?.version ?? 0, baseChecksum: current?.checksum,
                                            origin: .scan, device: device) {
            case .won(let record): return .indexed(record)
            case .lost(let now): return now.map(FileIndexOutcome.unchanged) ?? .ignored
            }
        case .stamp(let update):
            try index.apply(upserts: [], stampUpdates: [update], device: device)
            return try index.record(path: path).map(FileIndexOutcome.unchanged) ?? .ignored
        case .unreadable:
            return current.map(FileIndexOutcome.unchanged) ?? .ignored
        }
    }

    /// What to do with one candidate file after reading it.
    package enum Prepared: Sendable {
        case write(NoteWrite)
        case stamp(StampUpdate)
        case unreadable(String)

        var write: NoteWrite? { if case .write(let write) = self { write } else { nil } }
        var stamp: StampUpdate? { if case .stamp(let stamp) = self { stamp } else { nil } }
    }

    /// Reads, checksums and (when changed) parses the files on `threads` threads (at least one).
    package static func prepare(_ files: [FileStamp], root: String, stamps: [String: IndexStamp], threads: Int) -> [Prepared] {
        let results = ResultSlots<Prepared>(count: files.count)
        let threads = max(1, min(threads, files.count))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: files.count, by: threads) {
                results[index] = prepare(files[index], root: root, stamps: stamps)
            }
        }
        return results.values
    }

    package static func prepare(_ file: FileStamp, root: String, stamps: [String: IndexStamp]) -> Prepared {
        // A read shorter or longer than the size just listed is a file changing under us, or a mount
        // serving a file it has not fully fetched: indexing it would record a truncated text.
        let path = ResolvedPath(relative: file.relativePath, absolute: root + "/" + file.relativePath)
        guard let read = try? NoteFile.read(path), read.bytes.count == file.size else {
            return .unreadable(file.relativePath)
        }
        let bytes = read.bytes, checksum = read.checksum
        if let stamp = stamps[file.relativePath], stamp.checksum == checksum {
            return .stamp(StampUpdate(path: file.relativePath, size: file.size, mtime: file.mtimeNanoseconds))
        }
        let parsed = NoteParser.parse(String(decoding: bytes, as: UTF8.self), path: file.relativePath)
        return .write(NoteWrite(path: file.relativePath, bytes: [UInt8](bytes), checksum: checksum, parsed: parsed,
                                mtime: file.mtimeNanoseconds))
    }
}

/// Runs one write job at a time on its own thread; `finish` waits for it and rethrows its error.
private final class BackgroundWriter: Sendable {
    private let queue = DispatchQueue(label: "notebridge.indexer.writer")
    private let group = DispatchGroup()
    private let failure = Locked<SQLError?>(nil)   // the last job's error, until `finish` reports it

    func start(_ job: @escaping @Sendable () throws(SQLError) -> Void) {
        queue.async(group: group) {
            do throws(SQLError) { try job() } catch { self.failure.withLock { $0 = error } }
        }
    }

    func finish() throws(SQLError) {
        group.wait()
        if let failure = failure.value { throw failure }
    }
}

/// Fixed slots filled from several threads at once, each slot by one thread.
private final class ResultSlots<Value: Sendable>: Sendable {
    private let slots: Locked<[Value?]>

    init(count: Int) { slots = Locked(Array(repeating: nil, count: count)) }

    subscript(index: Int) -> Value? {
        get { slots.withLock { $0[index] } }
        set { slots.withLock { $0[index] = newValue } }
    }

    var values: [Value] { slots.withLock { $0.compactMap { $0 } } }
}
