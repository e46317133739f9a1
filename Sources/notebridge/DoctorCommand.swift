import ArgumentParser
import Server
import Tools
import Vault

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a notes setup (folder, file system, rclone, index): one line each, ok/warn/fail with a fix; exit code 1 on any fail.")

    @Option(help: "The notes folder (on an rclone mount or a local disk).")
    var root: String

    @Option(help: "The index (as for `serve`); default: TURSO_DATABASE_URL/DATABASE_URL, else the default local file.")
    var database: String?

    @Option(help: "rclone remote control URL, e.g. http://127.0.0.1:5572/ (user/password in it or RCLONE_RC_USER/RCLONE_RC_PASS).")
    var rcloneRc: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let checks = Doctor.run(DoctorRequest(root: root, database: database, rcloneRC: rcloneRc))
        if json {
            print(Doctor.json(checks).serializedString())
        } else {
            checks.forEach { print($0.line) }
        }
        if Doctor.overall(checks) == .fail { throw ExitCode(1) }
    }
}
