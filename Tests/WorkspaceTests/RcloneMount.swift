import Foundation
import Glibc
@testable import Workspace

/// A real `rclone mount` of a local folder over FUSE, with the remote control on a free 127.0.0.1
/// port and a random password; stopped by PID (and unmounted with fusermount3 if it lingers).
final class RcloneMount {
    static let executable = ["/usr/bin/rclone", "/usr/local/bin/rclone"].first { (path: String) in access(path, X_OK) == 0 }
    static var isAvailable: Bool { executable != nil && access("/dev/fuse", F_OK) == 0 }

    let directory: TemporaryDirectory
    /// The folder rclone serves: writing here directly is "someone else wrote to the bucket".
    let source: String
    let mountPoint: String
    let url: String
    let user = "u"
    let password = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
    private let process = Process()

    init(extraArguments: [String] = []) throws {
        directory = try TemporaryDirectory()
        source = directory.path + "/source"
        mountPoint = directory.path + "/mount"
        try directory.makeDirectory("source")
        try directory.makeDirectory("mount")
        let port = try RcloneMount.freePort()
        url = "http://127.0.0.1:\(port)/"
        process.executableURL = URL(fileURLWithPath: RcloneMount.executable!)
        process.arguments = ["--config", "/dev/null", "mount", source, mountPoint,
                             "--rc", "--rc-addr", "127.0.0.1:\(port)", "--rc-user", user,
                             "--vfs-cache-mode", "writes", "--cache-dir", directory.path + "/cache"] + extraArguments
        // Debian's rclone 1.60 fails on this machine's AWS_CA_BUNDLE; the password goes by environment, not argv.
        var environment = ProcessInfo.processInfo.environment.filter { $0.key != "AWS_CA_BUNDLE" }
        environment["RCLONE_RC_PASS"] = password
        process.environment = environment
        _ = FileManager.default.createFile(atPath: directory.path + "/rclone.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory.path + "/rclone.log")
        process.standardOutput = FileHandle.nullDevice
    }

    /// Starts rclone and waits (polling, 20 s at most) until the mount is in place and the remote control answers.
    func start() throws {
        try process.run()
        let control = RcloneRemoteControl(url: url, user: user, password: password)
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            if FileSystemKind.mountPoint(of: mountPoint) == mountPoint, (try? control.version()) != nil { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        stop()
        throw MountFailed(log: directory.read("rclone.log") ?? "")
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date(timeIntervalSinceNow: 10)
            while process.isRunning, Date() < deadline { usleep(20_000) }
        }
        if FileSystemKind.mountPoint(of: mountPoint) == mountPoint {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
            unmount.arguments = ["-u", "-z", mountPoint]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        directory.remove()
    }

    struct MountFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "rclone mount did not come up:\n\(log)" }
    }

    /// A port the kernel just handed out on 127.0.0.1.
    private static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, length) == 0 && getsockname(socketDescriptor, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
