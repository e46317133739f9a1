import Foundation
import Index
import Vault
import Workspace

/// Checks the index: where it is, whether it answers, its schema version, its round-trip latency,
/// how many notes it holds and the free space beside a local index file. Never creates an index.
package enum DoctorIndexChecks {
    package static func run(database: String?, root: String?, environment: [String: String]) -> [DoctorCheck] {
        let url: DatabaseURL
        do {
            if let chosen = try database.map({ try DatabaseURL.parse($0, environment: environment) })
                ?? DatabaseURL.fromEnvironment(environment) {
                url = chosen
            } else if let root {
                url = .sqlite(path: IndexLocation.defaultPath(forCanonicalRoot: root, environment: environment))
            } else {
                return []  // without a root there is no default index to look at
            }
        } catch {
            return [DoctorCheck("index", .fail, "\(error)", fix: "pass --database file:/path, libsql://host or http://127.0.0.1:PORT")]
        }
        var checks: [DoctorCheck] = []
        let executor: any SQLExecutor
        switch url {
        case .sqlite(let path):
            checks += localFileChecks(path: path, rootArgument: root)
            guard FileManager.default.fileExists(atPath: path) else { return checks }
            do { executor = try SQLiteExecutor(path: path) } catch {
                return checks + [DoctorCheck("index", .fail, describe(error), fix: "check the file's permissions, or delete it and run `notebridge index`")]
            }
        case .remote(let remote):
            executor = HranaExecutor(database: remote, connectTimeout: 3, timeout: 10, readAttempts: 1)
        }
        return checks + databaseChecks(executor, url: url, root: root)
    }

    private static func localFileChecks(path: String, rootArgument root: String?) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let folder = (path as NSString).deletingLastPathComponent
        let kind = FileSystemKind.describe(path: FileManager.default.fileExists(atPath: folder) ? folder : "/")
        if kind.isFUSE || kind.isNetwork {
            checks.append(DoctorCheck("index.location", .warn,
                                      "the index file \(path) is on \(kind.type): SQLite's locking is not safe on network file systems",
                                      fix: "keep the index on a local disk (leave --database unset for the default under ~/.cache), or share one through Turso"))
        }
        if !FileManager.default.fileExists(atPath: path) {
            let command = root.map { "notebridge index --root \($0) --database \(path)" } ?? "notebridge index --root DIR"
            checks.append(DoctorCheck("index", .warn, "no index yet at \(path)", fix: "run `\(command)` (or start the server, which creates it)"))
        }
        checks.append(DoctorDiskSpace.check("index.space", what: "the index", path: folder,
                                            fix: "free space on that disk, or pass --database with a path on another disk"))
        return checks
    }

    private static func databaseChecks(_ executor: any SQLExecutor, url: DatabaseURL, root: String?) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let clock = ContinuousClock()
        var samples: [Double] = []
        do {
            for _ in 0..<5 {
                let started = clock.now
                _ = try executor.execute(SQLStatement("SELECT 1"))
                samples.append((clock.now - started).milliseconds)
            }
        } catch {
            let fix = url.isRemote
                ? "check the URL, that the server runs and is reachable from here, and the auth token (TURSO_AUTH_TOKEN or ?authToken=)"
                : "check the file's permissions, or delete it and run `notebridge index`"
            return [DoctorCheck("index", .fail, "the index does not answer: \(describe(error))", fix: fix)]
        }
        checks.append(DoctorCheck("index", .ok, "the index at \(url.redacted) answers"))
        let median = samples.sorted()[samples.count / 2]
        let latency = String(format: "round trip %.3f ms (median of %d × SELECT 1)", median, samples.count)
        checks.append(median > 150
            ? DoctorCheck("index.latency", .warn, latency + ": searches and saves will feel slow",
                          fix: "use a database region close to you, or a local index for a single device")
            : DoctorCheck("index.latency", .ok, latency))
        checks += schemaChecks(executor, root: root)
        return checks
    }

    private static func schemaChecks(_ executor: any SQLExecutor, root: String?) -> [DoctorCheck] {
        let indexCommand = "run `notebridge index --root \(root ?? "DIR")` with the same --database"
        do {
            let supported = try supportedSchemaVersion()
            let hasMeta = try executor.execute(SQLStatement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"))
            guard hasMeta.rows.first?.first == .integer(1) else {
                return [DoctorCheck("index.schema", .warn, "the database has no notebridge schema yet", fix: indexCommand)]
            }
            let version = try schemaVersion(executor)
            var checks: [DoctorCheck] = []
            if version > supported {
                checks.append(DoctorCheck("index.schema", .fail, "schema version \(version), newer than this notebridge knows (\(supported))",
                                          fix: "upgrade notebridge on this device (another device wrote the index with a newer one)"))
                return checks
            }
            checks.append(DoctorCheck("index.schema", .ok, version == supported
                ? "schema version \(version) (current)"
                : "schema version \(version); notebridge migrates it to \(supported) when it next opens it"))
            let count = try executor.execute(SQLStatement("SELECT count(*) FROM notes")).rows.first?.first
            if case .integer(let notes)? = count {
                checks.append(notes > 0
                    ? DoctorCheck("index.notes", .ok, "\(notes) notes indexed")
                    : DoctorCheck("index.notes", .warn, "no notes indexed", fix: indexCommand))
            }
            return checks
        } catch {
            return [DoctorCheck("index.schema", .fail, "cannot read the schema: \(describe(error))", fix: indexCommand)]
        }
    }

    private static func schemaVersion(_ executor: any SQLExecutor) throws(SQLError) -> Int {
        let rows = try executor.execute(SQLStatement("SELECT value FROM meta WHERE key = 'schema_version'"))
        guard case .text(let text)? = rows.rows.first?.first, let version = Int(text) else { return 0 }
        return version
    }

    /// The version this binary writes: what a fresh private in-memory index is created at.
    private static func supportedSchemaVersion() throws(SQLError) -> Int {
        let scratch = try SQLiteExecutor(path: ":memory:")
        _ = try NoteIndex(executor: scratch)
        return try schemaVersion(scratch)
    }

    package static func describe(_ error: SQLError) -> String {
        switch error {
        case .unavailable(let message), .unreachable(let message): message
        case .statement(let message, _): message
        case .schemaTooNew(let found, let supported): "schema version \(found) is newer than this notebridge knows (\(supported))"
        }
    }
}

extension DatabaseURL {
    package var isRemote: Bool { if case .remote = self { true } else { false } }
}

extension Duration {
    /// The duration in milliseconds, as a Double.
    package var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
