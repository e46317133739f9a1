import Dispatch
import Foundation
import Index
import JSON
import Support
import Workspace

/// `notebridge watch`: keeps the shared index current for a root without an editor — for the
/// cloud container, where Basic Memory writes through its own mount. Initial incremental index,
/// then inotify plus a periodic scan; every change is re-indexed in one transaction and lands in
/// the change feed, where every editor's bridge hears of it. Never writes note files.
public final class HeadlessWatcher: Sendable {
    private let vault: VaultContext
    private let scanInterval: Double
    private let statusFile: String?
    private let statusInterval: Double

    public init(settings: Settings, statusFile: String?, statusInterval: Double = 60) throws {
        vault = try VaultContext(settings: settings)
        scanInterval = vault.scanInterval
        self.statusFile = statusFile
        self.statusInterval = statusInterval
    }

    /// Runs until SIGTERM or SIGINT; returns the exit code.
    public func run() -> Int32 {
        let started = Date()
        Log.info("watch: indexing \(vault.root.path) into \(vault.index.executor.location) as \(vault.device)")
        let stats: IndexStats
        do {
            stats = try Indexer.index(vault: vault)
        } catch {
            Log.error("watch: initial index failed: \(error)")
            return 1
        }
        Log.info("watch: \(stats.added) added, \(stats.updated) updated, \(stats.removed) removed, \(stats.unchanged) unchanged "
            + "in \(stats.elapsed); watching (scan every \(Int(scanInterval)) s)")
        let monitor = ChangeMonitor(root: vault.root, index: vault.index, device: vault.device, ownWrites: OwnWrites(),
                                    pollInterval: nil, scanInterval: scanInterval, mountLag: vault.mountLag,
                                    beforeScan: vault.freshness.refreshAll, vault: vault, sink: nil)
        monitor.start(fromSeq: 0)
        vault.pruner.start()

        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        let status = DispatchSource.makeTimerSource(queue: .global())
        status.schedule(deadline: .now() + statusInterval, repeating: statusInterval)
        status.setEventHandler { [self] in reportStatus(monitor, started: started) }
        status.resume()
        reportStatus(monitor, started: started)

        stop.wait()
        status.cancel()
        vault.pruner.stop()
        Log.info("watch: stopping")
        let drained = monitor.stopAndDrain(timeout: 30)
        reportStatus(monitor, started: started, stopping: true)
        return drained ? 0 : 1
    }

    private func reportStatus(_ monitor: ChangeMonitor, started: Date, stopping: Bool = false) {
        let activity = monitor.activity
        var status: [String: JSONValue] = [
            "root": .string(vault.root.path), "index": .string(vault.index.executor.location), "device": .string(vault.device),
            "state": .string(stopping ? "stopped" : "watching"), "filesReindexed": JSONValue(activity.filesReindexed),
            "scans": JSONValue(activity.scans), "uptimeSeconds": JSONValue(Int(Date().timeIntervalSince(started))),
            "updatedAt": .string(Timestamp.iso8601(Date())),
        ]
        if let error = activity.lastError { status["lastError"] = .string(error) }
        if let lag = activity.lastLag { status["lastLagMs"] = JSONValue(Int((lag * 1000).rounded())) }
        if let last = activity.lastActivity { status["lastActivity"] = .string(Timestamp.iso8601(last)) }
        let line = JSONValue.object(status).serializedString()
        Log.info("watch status: \(line)")
        if let statusFile {
            let temporary = statusFile + ".tmp"
            if FileManager.default.createFile(atPath: temporary, contents: Data((line + "\n").utf8)) {
                _ = rename(temporary, statusFile)
            }
        }
    }
}
