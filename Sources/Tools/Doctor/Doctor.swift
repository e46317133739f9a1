import Foundation
import JSON
import Vault

/// One finding of `notebridge doctor`: what was checked, how it stands, and what to do about it.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: String, Sendable, Comparable {
        case ok, warn, fail
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
        private var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }
    }

    /// A stable identifier, e.g. "root", "rclone.cacheMode", "index.latency".
    public var name: String
    public var status: Status
    /// What was found, in one sentence.
    public var message: String
    /// What to do about a warning or failure; nil when there is nothing to do.
    public var fix: String?

    public init(_ name: String, _ status: Status, _ message: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.message = message
        self.fix = fix
    }

    /// "ok   root: …", with "→ fix: …" after a warning or failure.
    public var line: String {
        let label = status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
        return "\(label)\(name): \(message)" + (fix.map { " → fix: \($0)" } ?? "")
    }

    public var json: JSONValue {
        ["name": .string(name), "status": .string(status.rawValue), "message": .string(message), "fix": JSONValue(fix)]
    }
}

/// What `notebridge doctor` looks at. Credentials in `database` and `rcloneRC` are used, never shown.
public struct DoctorRequest: Sendable {
    public var root: String
    public var database: String?
    public var rcloneRC: String?
    public var environment: [String: String]

    public init(root: String, database: String? = nil, rcloneRC: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.root = root
        self.database = database
        self.rcloneRC = rcloneRC
        self.environment = environment
    }
}

/// Checks a notes setup (root, file system, rclone, index) and says for each part ok, warn or fail
/// with a concrete fix. Reads only: it creates no index, writes no file and changes no setting.
public enum Doctor {
    /// Runs every check; blocking (network calls have short timeouts).
    public static func run(_ request: DoctorRequest) -> [DoctorCheck] {
        let root = DoctorRootChecks.run(path: request.root)
        var checks = root.checks
        checks += DoctorRcloneChecks.run(rcURL: request.rcloneRC, environment: request.environment, mount: root.mount)
        checks += DoctorIndexChecks.run(database: request.database, root: root.canonicalPath, environment: request.environment)
        return checks
    }

    /// The worst status among `checks` (ok when empty).
    public static func overall(_ checks: [DoctorCheck]) -> DoctorCheck.Status {
        checks.map(\.status).max() ?? .ok
    }

    /// `{"status": worst, "checks": [...]}`.
    public static func json(_ checks: [DoctorCheck]) -> JSONValue {
        ["status": .string(overall(checks).rawValue), "checks": .array(checks.map(\.json))]
    }
}
