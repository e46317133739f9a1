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

    @Option(help: "Seconds between stat scans of the root (default 30 on a mount, 5 on a local disk).")
    var scanInterval: Double?

    @Option(help: "Write a JSON status line here (atomically) every --status-interval seconds.")
    var statusFile: String?

    @Option(help: "Seconds between status lines on stderr and in --status-file.")
    var statusInterval: Double = 60

    @Option(help: ArgumentHelp("The mount's rclone remote control, e.g. http://127.0.0.1:5572/ (credentials in the URL "
        + "or RCLONE_RC_USER/RCLONE_RC_PASS): notes written on the mount are uploaded at once, not after --vfs-write-back."))
    var rcloneRc: String?

    func validate() throws {
        if let scanInterval, !(scanInterval > 0 && scanInterval <= 86_400) {
            throw ValidationError("--scan-interval must be between 0 and 86400 seconds")
        }
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
    }

    func run() throws {
        var settings = vault.settings
        settings.scanInterval = scanInterval
        settings.rcloneRC = rcloneRc
        let watcher = try HeadlessWatcher(settings: settings, statusFile: statusFile, statusInterval: statusInterval)
        let pushing = try rcloneRc.map { url in
            let root = try VaultRoot(settings.root ?? "")
            let pusher = UploadPusher(remoteControl: try RcloneRemoteControl(settingsURL: url),
                                      mountPrefix: FileSystemKind.pathInsideMount(root.path))
            return try pusher.pushingWrites(under: root)
        }
        defer { pushing?.stop() }
        throw ExitCode(watcher.run())
    }
}
