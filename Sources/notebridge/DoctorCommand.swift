import ArgumentParser
import Server
import Tools
import Vault

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a notes setup (folder, file system, rclone, index): one line each, ok/warn/fail with a fix; exit code 1 on any fail.")

    @OptionGroup var folder: FolderOptions

    @OptionGroup var rclone: RcloneOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws { _ = try folder.requiredRoot() }

    func run() throws {
        let request = DoctorRequest(root: try folder.requiredRoot(), database: folder.database, rcloneRC: rclone.rcloneRc)
        let checks = Doctor.run(request)
        if json {
            print(Doctor.json(checks).serializedString())
        } else {
            checks.forEach { print($0.line) }
        }
        if Doctor.overall(checks) == .fail { throw ExitCode(1) }
    }
}
