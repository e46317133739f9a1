import ArgumentParser
import Foundation
import JSONRPC
import Server
import Support
import Tools
import Vault

@main
struct Notebridge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebridge",
        abstract: "Edit Basic Memory notes on a cloud mount from any editor: a JSON-RPC/LSP server on stdio.",
        version: notebridgeVersion,
        subcommands: [Serve.self, IndexCommand.self, SearchCommand.self, WatchCommand.self, CheckCommand.self,
                      DoctorCommand.self, BenchCommand.self, HistoryCommand.self, ShowCommand.self, ParseCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens a notes folder takes.
struct VaultOptions: ParsableArguments {
    @Option(help: "The notes folder (on an rclone mount or a local disk).")
    var root: String?

    @Option(help: ArgumentHelp("The index: file:/path or a path (local SQLite), libsql://host, https://… or "
        + "http://127.0.0.1:port (Turso/sqld). Default: a file under $XDG_CACHE_HOME/notebridge. "
        + "Token: ?authToken=… or TURSO_AUTH_TOKEN."))
    var database: String?

    @Option(help: "This device's id in the change feed (default: stable per machine and user).")
    var device: String?

    @Flag(help: "Allow / or the home directory as the root.")
    var allowBroadRoot = false

    var settings: Settings {
        Settings(root: root, database: database, device: device, allowBroadRoot: allowBroadRoot)
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the language server on stdin/stdout (the default).")

    @OptionGroup var vault: VaultOptions

    @Flag(help: "Accepted for editors that pass it; stdio is the only transport.")
    var stdio = false

    @Option(help: "Seconds between polls of the index's change feed (default 1).")
    var pollInterval: Double?

    @Option(help: "Seconds between stat scans of the root (default 30 on a mount, 5 on a local disk).")
    var scanInterval: Double?

    @Option(help: "rclone remote control URL, e.g. http://user:pass@127.0.0.1:5572/ (or RCLONE_RC_USER/RCLONE_RC_PASS).")
    var rcloneRc: String?

    @Option(help: "Seconds a save may take before it fails (the text stays in the editor).")
    var saveTimeout: Double?

    @Option(help: "Refuse frames larger than this many bytes.")
    var maxMessageBytes = 64 << 20

    @Option(help: "Log level on stderr: error, warning, info, debug.")
    var logLevel = "info"

    func validate() throws {
        for (name, value) in [("--poll-interval", pollInterval), ("--scan-interval", scanInterval), ("--save-timeout", saveTimeout)] {
            if let value, !(value > 0 && value <= 86_400) { throw ValidationError("\(name) must be between 0 and 86400 seconds") }
        }
    }

    func run() throws {
        Log.level = Log.Level(name: logLevel) ?? .info
        var settings = vault.settings
        settings.pollInterval = pollInterval
        settings.scanInterval = scanInterval
        settings.rcloneRC = rcloneRc
        settings.saveTimeout = saveTimeout
        let server = Server(settings: settings)
        let code = server.run(connection: Connection(maxFrameSize: maxMessageBytes))
        throw ExitCode(code)
    }
}

extension Log.Level {
    init?(name: String) {
        switch name.lowercased() {
        case "error": self = .error
        case "warning", "warn": self = .warning
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }
}
