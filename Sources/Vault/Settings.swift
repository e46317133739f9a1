import Foundation
import Index
import JSON

/// The server's settings. The command line wins over `initializationOptions` and
/// `workspace/didChangeConfiguration`, which use the same keys (`root`, `database`, `device`,
/// `pollInterval`, `scanInterval`, `rcloneRc`, `saveTimeout`, `historyDays`, `historyKeep`).
public struct Settings: Sendable, Equatable {
    public var root: String?
    public var database: String?
    public var device: String?
    public var pollInterval: Double?
    public var scanInterval: Double?
    public var rcloneRC: String?
    public var saveTimeout: Double?
    /// The history keeps every version younger than this many days (default 30) …
    public var historyDays: Double?
    /// … and the newest this many of each note however old (default 50).
    public var historyKeep: Int?
    /// Serve `/` or the bare home directory as a root (refused unless asked for).
    public var allowBroadRoot = false

    public init(root: String? = nil, database: String? = nil, device: String? = nil, pollInterval: Double? = nil,
                scanInterval: Double? = nil, rcloneRC: String? = nil, saveTimeout: Double? = nil,
                allowBroadRoot: Bool = false, historyDays: Double? = nil, historyKeep: Int? = nil) {
        self.root = root
        self.database = database
        self.device = device
        self.pollInterval = pollInterval
        self.scanInterval = scanInterval
        self.rcloneRC = rcloneRC
        self.saveTimeout = saveTimeout
        self.allowBroadRoot = allowBroadRoot
        self.historyDays = historyDays
        self.historyKeep = historyKeep
    }

    /// What the background pruning keeps (`historyDays`, `historyKeep`, or the defaults).
    public var retention: RetentionPolicy {
        RetentionPolicy(keepFor: historyDays.map { .milliseconds(Int64(($0 * 86_400_000).rounded())) } ?? RetentionPolicy.standard.keepFor,
                        keepLatest: historyKeep ?? RetentionPolicy.standard.keepLatest)
    }

    /// `self` with every unset field taken from `other`.
    package func filling(from other: Settings) -> Settings {
        Settings(root: root ?? other.root, database: database ?? other.database, device: device ?? other.device,
                 pollInterval: pollInterval ?? other.pollInterval, scanInterval: scanInterval ?? other.scanInterval,
                 rcloneRC: rcloneRC ?? other.rcloneRC, saveTimeout: saveTimeout ?? other.saveTimeout,
                 allowBroadRoot: allowBroadRoot || other.allowBroadRoot, historyDays: historyDays ?? other.historyDays,
                 historyKeep: historyKeep ?? other.historyKeep)
    }
}

/// Why no root could be chosen; the message says how to set one.
public struct MissingRoot: Error, CustomStringConvertible {
    public var description: String {
        "notebridge has no notes folder: start it with `notebridge serve --root DIR`, or set "
            + "initializationOptions.root, or open a folder (workspace) in the editor"
    }
}

package enum RootChoice {
    /// `--root` > initializationOptions.root > first workspace folder > rootUri > rootPath.
    package static func choose(settings: Settings, initializeParams: JSONValue?) throws -> String {
        if let root = settings.root { return root }
        if let folder = initializeParams?["workspaceFolders"]?[0]?["uri"]?.stringValue, let path = filePath(fromURI: folder) {
            return path
        }
        if let uri = initializeParams?["rootUri"]?.stringValue, let path = filePath(fromURI: uri) { return path }
        if let path = initializeParams?["rootPath"]?.stringValue, !path.isEmpty { return path }
        throw MissingRoot()
    }

    package static func filePath(fromURI uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.path
    }

    /// `/` and the bare home directory would mean scanning everything the user has.
    package static func isTooBroad(_ canonicalPath: String) -> Bool {
        let home = (ProcessInfo.processInfo.environment["HOME"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let path = canonicalPath.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return path.isEmpty || (!home.isEmpty && path == home)
    }
}
