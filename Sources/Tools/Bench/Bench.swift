import Foundation
import Index
import Vault
import Workspace

/// What `notebridge bench` measures, and its bounds. Every loop stops at its count or its time
/// limit, whichever comes first.
public struct BenchRequest: Sendable {
    /// Groups of metrics: file operations, saves, change notifications, search.
    public enum Group: String, Sendable, CaseIterable { case files, save, notify, search }

    public var root: String
    /// The index used for saves, notifications and search; nil: a scratch SQLite file for saves and
    /// notifications, and the root's usual index for search.
    public var database: String?
    /// The local folder to compare with; nil: a new temporary folder.
    public var local: String?
    public var iterations = 100
    public var secondsPerMetric = 10.0
    public var listFiles = 1_000
    public var searchQueries = 1_000
    public var notifyRounds = 20
    public var pollInterval = 1.0
    public var groups = Set(Group.allCases)

    public init(root: String, database: String? = nil, local: String? = nil) {
        self.root = root
        self.database = database
        self.local = local
    }
}

/// Measures the seed's metrics on the user's own setup, the root's file system next to a local
/// folder. It works in a folder `notebridge-bench-<random>` inside each, and removes it (and the
/// index rows of its notes) afterwards.
public enum Bench {
    public static func run(_ request: BenchRequest, progress: (String) -> Void = { _ in }) throws -> BenchReport {
        let root = try VaultRoot(request.root)
        let scratch = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let local = try VaultRoot(request.local ?? scratch)
        let id = String(UInt32.random(in: .min ... .max), radix: 16)
        let rootFolder = "notebridge-bench-\(id)"
        let localFolder = "notebridge-bench-\(id)-local"
        let rootKind = FileSystemKind.describe(path: root.path)
        let localKind = FileSystemKind.describe(path: local.path)
        let rootIsMount = rootKind.isFUSE || rootKind.isNetwork

        // Each side has its own index, tied to its own root: the root's is the one given (so its latency
        // counts) or a scratch file; the local side's is always a scratch file.
        let rootURL = try request.database.map { try DatabaseURL.parse($0) } ?? .sqlite(path: scratch + "/.index/root.sqlite")
        let localURL = DatabaseURL.sqlite(path: scratch + "/.index/local.sqlite")
        let rootIndex = (a: try openIndex(rootURL), b: try openIndex(rootURL))
        let localIndex = (a: try openIndex(localURL), b: try openIndex(localURL))
        var notes: [String] = []
        if request.database == nil, !request.groups.isDisjoint(with: [.save, .notify]) {
            notes.append("saves and notifications use scratch SQLite indexes on the local disk")
        }
        let sides = [(vault: root, folder: rootFolder, side: "root", index: rootIndex),
                     (vault: local, folder: localFolder, side: "local", index: localIndex)]
        defer {
            for side in sides { try? FileManager.default.removeItem(atPath: side.vault.path + "/" + side.folder) }
            // Rows the bench left in the index it was given (scratch indexes go with their folder).
            for name in ["save.md", "notify.md", "notify-feed.md"] {
                _ = try? rootIndex.a.remove(path: rootFolder + "/" + name, device: "notebridge-bench")
            }
        }

        var metrics: [BenchMetric] = []
        let loop = BenchLoop(count: request.iterations, seconds: request.secondsPerMetric)
        let rtt = try indexRoundTrip(rootIndex.a)
        metrics.append(BenchMetric(key: "index_round_trip", label: "index round trip (SELECT 1)",
                                   root: .latency(rtt), local: .latency(try indexRoundTrip(localIndex.a)), tail: 95))

        if request.groups.contains(.files) {
            var results: [String: [String: [Double]]] = [:]
            for (vault, folder, side, _) in sides {
                progress("file operations on \(side) (\(vault.path))")
                results[side] = try BenchFileSystem(folder: vault.path + "/" + folder + "/files", loop: loop, listFiles: request.listFiles).run()
            }
            let labels = [
                ("create_write_fsync_close", "create+write+fsync+close 2 KB"), ("temp_rename", "temp file + rename 2 KB"),
                ("read_cached", "read 2 KB, cached"), ("read_uncached", "read 2 KB, page cache dropped"), ("stat", "stat"),
                ("list_\(request.listFiles)_files", "list \(request.listFiles) files"),
            ]
            for (key, label) in labels {
                var metric = BenchMetric(key: key, label: label, root: results["root"]?[key].flatMap(BenchStats.init).map { .latency($0) },
                                         local: results["local"]?[key].flatMap(BenchStats.init).map { .latency($0) }, tail: 95,
                                         goal: "≤ 2× local")
                metric.met = metric.ratio.map { $0 <= 2 }
                metrics.append(metric)
            }
        }

        if request.groups.contains(.save) {
            var results: [String: BenchSave.Result] = [:]
            for (vault, folder, side, index) in sides {
                progress("saves on \(side)")
                results[side] = try BenchSave(root: vault, index: index.a, folder: folder, loop: loop).run()
            }
            let plain = { (side: String) in results[side].flatMap { BenchStats(milliseconds: $0.plain) } }
            let bridge = { (side: String) in results[side].flatMap { BenchStats(milliseconds: $0.bridge) } }
            metrics.append(BenchMetric(key: "save_plain", label: "save: plain temp file + rename",
                                       root: plain("root").map { .latency($0) }, local: plain("local").map { .latency($0) }, tail: 95))
            let durable = { (side: String) in results[side].flatMap { BenchStats(milliseconds: $0.plainDurable) } }
            metrics.append(BenchMetric(key: "save_plain_durable", label: "save: plain + fsync of the folder",
                                       root: durable("root").map { .latency($0) }, local: durable("local").map { .latency($0) }, tail: 95))
            metrics.append(BenchMetric(key: "save_bridge", label: "save through the bridge",
                                       root: bridge("root").map { .latency($0) }, local: bridge("local").map { .latency($0) }, tail: 95))
            let rootRatio = bridge("root").flatMap { b in plain("root").map { b.p50 / $0.p50 } }
            let localRatio = bridge("local").flatMap { b in plain("local").map { b.p50 / $0.p50 } }
            let rootGoal = rootIsMount ? 2.0 : 1.5
            var ratio = BenchMetric(key: "save_ratio", label: "save: bridge ÷ plain (p50)", root: rootRatio.map { .ratio($0) },
                                    local: localRatio.map { .ratio($0) }, tail: 95,
                                    goal: rootIsMount ? "≤ 2× on the mount, ≤ 1.5× locally" : "≤ 1.5×")
            if let rootRatio, let localRatio { ratio.met = rootRatio <= rootGoal && localRatio <= 1.5 }
            metrics.append(ratio)
        }

        if request.groups.contains(.notify) {
            let poll = request.pollInterval
            var sameRoot: [String: BenchStats] = [:]
            for (vault, folder, side, index) in sides {
                progress("notifications between two bridges on \(side)")
                sameRoot[side] = BenchStats(milliseconds: try BenchNotify(
                    rootA: vault, indexA: index.a, rootB: vault, indexB: index.b, folder: folder, name: "notify.md", rounds: request.notifyRounds,
                    seconds: request.secondsPerMetric * 3, pollInterval: poll).run())
            }
            let localGoal = poll * 1200 + 50
            let rootGoal = rootIsMount ? 2000 : localGoal
            var same = BenchMetric(key: "notify_same_root", label: "notify: two bridges on one root",
                                   root: sameRoot["root"].map { .latency($0) }, local: sameRoot["local"].map { .latency($0) }, tail: 95,
                                   goal: rootIsMount ? "p95 ≤ 2 s (mount), ≤ \(Int(localGoal)) ms (local)" : "p95 ≤ \(Int(localGoal)) ms")
            if let root = sameRoot["root"], let local = sameRoot["local"] { same.met = root.p95 <= rootGoal && local.p95 <= localGoal }
            metrics.append(same)

            // Bridge B on an empty folder of its own: only the root's index tells it of A's saves.
            progress("notifications through the change feed only")
            let elsewhere = try VaultRoot(try makeFolder(scratch + "/device-b"))
            let feed = BenchStats(milliseconds: try BenchNotify(
                rootA: root, indexA: rootIndex.a, rootB: elsewhere, indexB: rootIndex.b, folder: rootFolder, name: "notify-feed.md", rounds: request.notifyRounds,
                seconds: request.secondsPerMetric * 3, pollInterval: poll).run())
            let feedGoal = poll * 1200 + rtt.p50
            var feedMetric = BenchMetric(key: "notify_feed", label: "notify: change feed only (as across devices)",
                                         root: feed.map { .latency($0) }, local: nil, tail: 95,
                                         goal: String(format: "p95 ≤ %.0f ms (1.2 × poll + RTT)", feedGoal))
            feedMetric.met = feed.map { $0.p95 <= feedGoal }
            metrics.append(feedMetric)
        }

        if request.groups.contains(.search) {
            let (index, description) = try searchIndex(request, root: root, given: rootIndex.a, progress: progress)
            notes.append("search runs over \(description)")
            progress("search: \(request.searchQueries) queries")
            let stats = BenchStats(milliseconds: try BenchSearch(index: index, queries: request.searchQueries,
                                                                  seconds: request.secondsPerMetric * 3).run())
            let remote = request.database.map { $0.contains("://") && !$0.hasPrefix("file:") } ?? false
            var search = BenchMetric(key: "search", label: "search (tail p99)", root: stats.map { .latency($0) }, local: nil, tail: 99,
                                     goal: remote ? String(format: "p50 ≤ RTT + 3 ms = %.1f ms", rtt.p50 + 3) : "p50 ≤ 1 ms, p99 ≤ 5 ms")
            search.met = stats.map { remote ? $0.p50 <= rtt.p50 + 3 : $0.p50 <= 1 && $0.p99 <= 5 }
            metrics.append(search)
        }

        return BenchReport(machine: machine(), rootPath: root.path, rootFileSystem: rootKind.type, localPath: local.path,
                           localFileSystem: localKind.type, index: rootURL.redacted, pollInterval: request.pollInterval,
                           notes: notes, metrics: metrics)
    }

    private static func openIndex(_ url: DatabaseURL) throws -> NoteIndex {
        try NoteIndex(executor: try IndexDatabase.open(url: url))
    }

    private static func indexRoundTrip(_ index: NoteIndex) throws -> BenchStats {
        let samples = try BenchLoop(count: 20, seconds: 5).measure { _ in _ = try index.executor.execute(SQLStatement("SELECT 1")) }
        return BenchStats(milliseconds: samples)!
    }

    /// The index to search: the one given, else the root's usual one; indexed first if it holds no notes.
    private static func searchIndex(_ request: BenchRequest, root: VaultRoot, given: NoteIndex,
                                    progress: (String) -> Void) throws -> (NoteIndex, String) {
        let url = try request.database.map { try DatabaseURL.parse($0) } ?? DatabaseURL.fromEnvironment()
            ?? .sqlite(path: IndexLocation.defaultPath(forRoot: root))
        let index = request.database != nil ? given : try openIndex(url)
        let count = try index.executor.execute(SQLStatement("SELECT count(*) FROM notes WHERE path NOT LIKE 'notebridge-bench-%'"))
        if case .integer(let notes)? = count.rows.first?.first, notes > 0 {
            return (index, "\(url.redacted) (\(notes) notes)")
        }
        progress("indexing \(root.path) first (the index holds no notes)")
        let stats = try Indexer.index(root: root, into: index, device: DeviceID.current())
        return (index, "\(url.redacted) (\(stats.added) notes, indexed by this run)")
    }

    /// CPU, cores, load and kernel, for the record.
    package static func machine() -> [String: String] {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        return ["cpu": model, "cores": String(ProcessInfo.processInfo.activeProcessorCount), "load": load, "kernel": kernel]
    }

    private static func makeTemporaryFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/notebridge-bench-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("cannot create a temporary folder: \(String(cString: strerror(errno)))") }
        return String(cString: made)
    }

    private static func makeFolder(_ path: String) throws -> String {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BenchError("cannot create \(path): \(error.localizedDescription)")
        }
        return path
    }
}
