import ArgumentParser
import Server
import Tools
import Vault
import Workspace

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep the shared index current for a root without an editor (the cloud container's indexer).")

    @OptionGroup var vault: VaultOptions

    @OptionGroup var retention: RetentionOptions

    @OptionGroup var scan: ScanOptions

    @Option(help: "Write a JSON status line here (atomically) every --status-interval seconds.")
    var statusFile: String?

    @Option(help: "Seconds between status lines on stderr and in --status-file.")
    var statusInterval: Double = 60

    @OptionGroup var rclone: RcloneOptions

    func validate() throws {
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
    }

    func run() throws {
        var settings = vault.settings
        scan.apply(to: &settings)
        rclone.apply(to: &settings)
        retention.apply(to: &settings)
        let watcher = try HeadlessWatcher(settings: settings, statusFile: statusFile, statusInterval: statusInterval)
        let pushing = try rclone.rcloneRc.map { url in
            let root = try VaultRoot(settings.root ?? "")
            let pusher = UploadPusher(remoteControl: try RcloneRemoteControl(settingsURL: url),
                                      mountPrefix: FileSystemKind.pathInsideMount(root.path))
            return try pusher.pushingWrites(under: root)
        }
        defer { pushing?.stop() }
        throw ExitCode(watcher.run())
    }
}
