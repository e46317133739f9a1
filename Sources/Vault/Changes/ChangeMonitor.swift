import Foundation
import Index
import Support
import Workspace

/// Finds out about changes made anywhere and reports each once. Three sources feed it:
/// the index's change feed (saves by other bridges and devices), inotify on the root, and a
/// periodic stat scan (writers that bypass everything). inotify and the scan only re-index
/// what changed; the change feed is the single place changes are announced from, which also
/// de-duplicates them by path and checksum.
package final class ChangeMonitor: Sendable {
    private let root: VaultRoot
    private let index: NoteIndex
    private let device: String
    private let ownWrites: OwnWrites
    private let pollInterval: Double?
    private let scanInterval: Double
    /// Told of the changes; nil for a headless watcher, which only records them.
    private weak let sink: (any ChangeSink)?
    private let beforeScan: @Sendable () -> Void
    private let mountLag: MountLag?
    /// With a vault, changed files go through `VaultContext.observe` (the compare-and-swap path).
    private let vault: VaultContext?
    private let wakeup = AsyncWakeup()

    /// Activity counters, for `notebridge watch`'s status line.
    package struct Counters: Sendable {
        var filesReindexed = 0
        var scans = 0
        var changesAnnounced = 0
        var lastError: String?
        var lastActivity: Date?
        /// How long after a file was written (its mtime) its last inotify-driven re-index finished.
        var lastLag: Double?
    }

    private struct State {
        /// The last change of the feed looked at.
        var lastSeq: Int64 = 0
        /// This device's changes up to here were recorded by the initial index: not news.
        var ownChangesThrough: Int64 = 0
        /// path → last checksum announced or written (nil: deleted): each is announced once.
        var known: [String: String?] = [:]
        var tasks: [Task<Void, Never>] = []
        var watcher: FileWatcher?
        var counters = Counters()
        /// Re-indexes and scans under way (`stopAndDrain` waits for them).
        var inFlight = 0
    }
    private let state = Locked(State())

    /// `pollInterval` nil: no feed polling (a headless watcher only records changes).
    /// Watches `vault` with its own intervals, own writes and mount refresh (what the server runs).
    package convenience init(vault: VaultContext, sink: any ChangeSink) {
        self.init(root: vault.root, index: vault.index, device: vault.device, ownWrites: vault.ownWrites,
                  pollInterval: vault.pollInterval, scanInterval: vault.scanInterval, mountLag: vault.mountLag,
                  beforeScan: vault.freshness.refreshAll, vault: vault, sink: sink)
    }

    package init(root: VaultRoot, index: NoteIndex, device: String, ownWrites: OwnWrites, pollInterval: Double?,
                 scanInterval: Double, mountLag: MountLag?, beforeScan: @escaping @Sendable () -> Void = {},
                 vault: VaultContext? = nil, sink: (any ChangeSink)?) {
        self.root = root
        self.index = index
        self.device = device
        self.ownWrites = ownWrites
        self.pollInterval = pollInterval
        self.scanInterval = scanInterval
        self.sink = sink
        self.beforeScan = beforeScan
        self.mountLag = mountLag
        self.vault = vault
    }

    /// Starts watching; changes already in the feed at `seq` are taken as known, and so are this
    /// device's own changes up to `ownThrough` (the initial index it just recorded).
    package func start(fromSeq seq: Int64, ignoringOwnChangesThrough ownThrough: Int64 = 0) {
        state.withLock { state in
            state.lastSeq = seq
            state.ownChangesThrough = ownThrough
        }
        do {
            let watcher = try FileWatcher(root: root) { [weak self] paths in
                guard let self else { return }
                // An editor that writes files itself (Helix, VS Code) may be seen mid-write; its
                // didSave follows and records the write knowing what the buffer was based on
                // (inotify does not). Give it time; other writers of an open note come after.
                let (settling, now) = paths.reduce(into: ([String](), [String]())) { split, path in
                    if self.sink?.isOpen(path) == true { split.0.append(path) } else { split.1.append(path) }
                }
                if !now.isEmpty { Task { await self.reindex(now) } }
                if !settling.isEmpty {
                    Task {
                        try? await Task.sleep(for: .milliseconds(1500))
                        await self.reindex(settling)
                    }
                }
            }
            state.withLock { $0.watcher = watcher }
        } catch {
            Log.warning("inotify unavailable on \(root.path) (\(error)); relying on the \(Int(scanInterval)) s scan")
        }
        let poll = Task { [weak self, pollInterval, wakeup] in
            guard let pollInterval else { return }
            while !Task.isCancelled {
                await self?.pollFeed()
                await wakeup.wait(timeout: pollInterval)
            }
        }
        let scan = Task { [weak self, scanInterval] in
            while !Task.isCancelled {
                // A stopped monitor must not scan once more (the sleep ends at once when cancelled).
                guard (try? await Task.sleep(for: .seconds(scanInterval))) != nil else { return }
                await self?.scan()
            }
        }
        state.withLock { $0.tasks = [poll, scan] }
    }

    package func stop() {
        let (watcher, tasks) = state.withLock { ($0.watcher, $0.tasks) }
        watcher?.stop()
        tasks.forEach { $0.cancel() }
    }

    /// Stops, then waits (up to `timeout` seconds) for a re-index or scan in flight to finish its
    /// transaction.
    package func stopAndDrain(timeout: Double) -> Bool {
        stop()
        let deadline = Date().addingTimeInterval(timeout)
        while state.withLock({ $0.inFlight > 0 }) {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    package var activity: Counters { state.withLock { $0.counters } }

    private func track<T>(_ work: () async throws -> T) async rethrows -> T {
        state.withLock { $0.inFlight += 1 }
        defer { state.withLock { $0.inFlight -= 1 } }
        return try await work()
    }

    private func record(error: Error?, reindexed: Int = 0, scanned: Bool = false, lag: Double? = nil) {
        state.withLock { state in
            state.counters.filesReindexed += reindexed
            if let lag { state.counters.lastLag = lag }
            if scanned { state.counters.scans += 1 }
            if let error { state.counters.lastError = "\(error)" }
            state.counters.lastActivity = Date()
        }
    }

    /// Remember what this bridge itself now holds for a path (after open, save or reload).
    package func noteKnown(path: String, checksum: String?) { state.withLock { $0.known[path] = .some(checksum) } }

    package func pollNow() { wakeup.signal() }

    private func pollFeed() async {
        let after = state.withLock { $0.lastSeq }
        let changes: [ChangeRecord]
        do {
            changes = try await Blocking.run("reading the change feed", timeout: max(10, (pollInterval ?? 1) * 5)) { [index] in
                try index.changes(after: after, limit: 500)
            }
        } catch {
            Log.warning("change feed: \(error)")
            return
        }
        guard let last = changes.last else { return }
        let fresh: [ChangeRecord] = state.withLock { state in
            state.lastSeq = last.seq
            var fresh: [ChangeRecord] = []
            for change in changes {
                if ownWrites.consume(path: change.path, checksum: change.checksum)
                    || (change.seq <= state.ownChangesThrough && change.device == device) {
                    state.known[change.path] = .some(change.checksum)
                    continue
                }
                if let seen = state.known[change.path], seen == change.checksum { continue }
                state.known[change.path] = .some(change.checksum)
                fresh.append(change)
            }
            return fresh
        }
        state.withLock { $0.counters.changesAnnounced += fresh.count }
        if !fresh.isEmpty { await sink?.changed(fresh) }
        if changes.count == 500 { pollNow() }
    }

    /// Re-indexes files inotify named, skipping those whose size and mtime the index already has
    /// (that also skips our own saves without opening the files).
    /// Files still unsettled are looked at again a little later, `attempt` up to 4 times (then the
    /// scan finds them).
    private func reindex(_ paths: [String], attempt: Int = 1) async {
        do {
            let (count, newest, unsettled) = try await track {
                try await Blocking.run("re-indexing changed files", timeout: 60) { [root, index, device, ownWrites, vault] in
                    var count = 0
                    var newest: Int64?
                    var unsettled: [String] = []
                    for path in paths {
                        let resolved = try root.resolve(relativePath: path)
                        if let stamp = NoteFile.stamp(resolved), ownWrites.isOurs(path: path, size: stamp.size, mtime: stamp.mtime) {
                            continue  // our own save's rename
                        }
                        let record = try index.record(path: path)
                        if let stamp = NoteFile.stamp(resolved), let record, stamp.size == record.size, stamp.mtime == record.mtime {
                            continue
                        }
                        if let vault {
                            do {
                                guard try Self.observe(path, in: vault) else { continue }
                            } catch is Unsettled {
                                unsettled.append(path)
                                continue
                            }
                        } else {
                            _ = try Indexer.indexFile(root: root, path: path, into: index, device: device)
                        }
                        count += 1
                        if let mtime = NoteFile.stamp(resolved)?.mtime { newest = max(newest ?? mtime, mtime) }
                    }
                    return (count, newest, unsettled)
                }
            }
            if !unsettled.isEmpty, attempt < 4 {
                Task {
                    try? await Task.sleep(for: .milliseconds(300 * attempt))
                    await self.reindex(unsettled, attempt: attempt + 1)
                }
            }
            record(error: nil, reindexed: count,
                   lag: newest.map { Date().timeIntervalSince1970 - Double($0) / 1_000_000_000 })
            if count > 0 { pollNow() }
        } catch {
            record(error: error)
            Log.warning("re-indexing \(paths.count) changed file(s): \(error)")
        }
    }

    /// One file inotify named, through the observe path; whether the index changed. Bytes not
    /// settled yet are left for the writer's next event (close-write) and the next scan.
    private static func observe(_ path: String, in vault: VaultContext) throws -> Bool {
        let resolved = try vault.root.resolve(relativePath: path)
        var info = stat()
        let isFile = lstat(resolved.absolute, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        // Folders, conflict copies, temporary files and other non-notes are not indexed.
        guard VaultScanner.isNoteFileName((path as NSString).lastPathComponent), isFile || errno == ENOENT else { return false }
        switch try vault.observe(resolved, by: .unknown(origin: .watch)) {
        case .recorded: return true
        case .missing(let deleted): return deleted
        case .unchanged, .older, .restored, .busy: return false
        case .unsettled: throw Unsettled()
        }
    }

    /// A file inotify named whose bytes were not settled yet.
    private struct Unsettled: Error {}

    private func scan() async {
        do {
            let stats = try await track {
                try await Blocking.run("scanning the notes folder", timeout: max(60, scanInterval * 4)) { [root, index, device, beforeScan, mountLag, vault] in
                    beforeScan()
                    if let vault { return try Indexer.index(vault: vault) }
                    return try Indexer.index(root: root, into: index, device: device, mountLag: mountLag)
                }
            }
            record(error: nil, reindexed: stats.added + stats.updated + stats.removed, scanned: true)
            if stats.added + stats.updated + stats.removed > 0 { pollNow() }
        } catch {
            record(error: error, scanned: true)
            Log.warning("scan of \(root.path): \(error)")
        }
    }
}

/// Lets a sleeping loop be woken early.
package actor AsyncWakeup {
    private var waiter: CheckedContinuation<Void, Never>?
    private var pending = false

    package func wait(timeout: Double) async {
        if pending {
            pending = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(timeout))
            await self?.resume()
        }
        await withCheckedContinuation { waiter = $0 }
        timer.cancel()
    }

    package nonisolated func signal() { Task { await self.resumeOrMark() } }

    private func resume() {
        waiter?.resume()
        waiter = nil
    }

    private func resumeOrMark() {
        if let waiter {
            waiter.resume()
            self.waiter = nil
        } else {
            pending = true
        }
    }
}
