import ArgumentParser
import Vault

// The option groups the commands share, so that each flag is declared (name, default, help,
// validation) in one place.

/// `--root` and `--database`: the notes folder and its index.
struct FolderOptions: ParsableArguments {
    @Option(help: "The notes folder (on an rclone mount or a local disk).")
    var root: String?

    @Option(help: ArgumentHelp("The index: file:/path or a path (local SQLite), libsql://host, https://… or "
        + "http://127.0.0.1:port (Turso/sqld). Default: TURSO_DATABASE_URL/DATABASE_URL, else a file under "
        + "$XDG_CACHE_HOME/notebridge. Token: ?authToken=… or TURSO_AUTH_TOKEN."))
    var database: String?

    /// `--root` for the commands that measure or check one folder and cannot pick a default.
    func requiredRoot() throws -> String {
        guard let root else { throw ValidationError("Missing expected argument '--root <root>'") }
        return root
    }
}

/// Options every command that opens a notes folder takes.
struct VaultOptions: ParsableArguments {
    @OptionGroup var folder: FolderOptions

    @Option(help: "This device's id in the change feed (default: stable per machine and user).")
    var device: String?

    @Flag(help: "Allow / or the home directory as the root.")
    var allowBroadRoot = false

    var settings: Settings {
        Settings(root: folder.root, database: folder.database, device: device, allowBroadRoot: allowBroadRoot)
    }
}

/// `--rclone-rc`: the mount's remote control (fresh listings, uploads pushed at once, doctor's checks).
struct RcloneOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The mount's rclone remote control, e.g. http://127.0.0.1:5572/ (credentials in the URL "
        + "or RCLONE_RC_USER/RCLONE_RC_PASS): stale folders are re-listed and notes written on the mount are "
        + "uploaded at once, not after --vfs-write-back."))
    var rcloneRc: String?

    func apply(to settings: inout Settings) { settings.rcloneRC = rcloneRc }
}

/// `--scan-interval`: how often the root is stat-scanned for changes no event reported.
struct ScanOptions: ParsableArguments {
    @Option(help: "Seconds between stat scans of the root (default 30 on a mount, 5 on a local disk).")
    var scanInterval: Double?

    func validate() throws { try validateSeconds("--scan-interval", scanInterval) }

    func apply(to settings: inout Settings) { settings.scanInterval = scanInterval }
}

/// A duration option's check: unset, or more than 0 and at most a day.
func validateSeconds(_ name: String, _ value: Double?) throws {
    if let value, !(value > 0 && value <= 86_400) { throw ValidationError("\(name) must be between 0 and 86400 seconds") }
}
