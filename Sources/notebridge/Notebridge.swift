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
                      DoctorCommand.self, BenchCommand.self, HistoryCommand.self, ShowCommand.self,
                      RestoreCommand.self, ParseCommand.self],
        defaultSubcommand: Serve.self)
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the language server on stdin/stdout (the default).")

    @OptionGroup var vault: VaultOptions

    @OptionGroup var retention: RetentionOptions

    @Flag(help: "Accepted for editors that pass it; stdio is the only transport.")
    var stdio = false

    @Option(help: "Seconds between polls of the index's change feed (default 1).")
    var pollInterval: Double?

    @OptionGroup var scan: ScanOptions

    @OptionGroup var rclone: RcloneOptions

    @Option(help: "Seconds a save may take before it fails (the text stays in the editor).")
    var saveTimeout: Double?

    @Option(help: "Refuse frames larger than this many bytes.")
    var maxMessageBytes = 64 << 20

    @Option(help: "Log level on stderr: error, warning, info, debug.")
    var logLevel = "info"

    func validate() throws {
        try validateSeconds("--poll-interval", pollInterval)
        try validateSeconds("--save-timeout", saveTimeout)
    }

    func run() throws {
        Log.level = Log.Level(name: logLevel) ?? .info
        var settings = vault.settings
        settings.pollInterval = pollInterval
        scan.apply(to: &settings)
        rclone.apply(to: &settings)
        settings.saveTimeout = saveTimeout
        retention.apply(to: &settings)
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
