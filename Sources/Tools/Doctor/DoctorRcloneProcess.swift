import Foundation
import Vault

/// The settings an `rclone mount` process was started with, read from its command line in /proc —
/// how doctor learns them without remote control. Only the flags below are kept; nothing else from
/// the command line (which may hold a password) is ever looked at again.
package struct DoctorRcloneProcess: Sendable {
    package var pid: Int32
    package var cacheMode: String?
    package var writeBack: String?
    package var dirCacheTime: String?
    package var cacheDir: String?

    /// The rclone process serving the mount at `mountPoint`, if this user can see it.
    package static func serving(mountPoint: String) -> DoctorRcloneProcess? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), let argv = arguments(of: pid), let program = argv.first,
                  (program as NSString).lastPathComponent.hasPrefix("rclone"),
                  argv.contains(where: { ["mount", "cmount", "nfsmount"].contains($0) }),
                  argv.contains(where: { $0 == mountPoint || (URL(fileURLWithPath: $0).standardizedFileURL.path == mountPoint) })
            else { continue }
            return DoctorRcloneProcess(pid: pid, argv: argv)
        }
        return nil
    }

    package init(pid: Int32, argv: [String]) {
        self.pid = pid
        let flags = Self.flags(argv)
        cacheMode = flags["--vfs-cache-mode"]
        writeBack = flags["--vfs-write-back"]
        dirCacheTime = flags["--dir-cache-time"]
        cacheDir = flags["--cache-dir"]
    }

    /// "--name value" and "--name=value" pairs for the flags doctor understands.
    private static func flags(_ argv: [String]) -> [String: String] {
        let known: Set<String> = ["--vfs-cache-mode", "--vfs-write-back", "--dir-cache-time", "--cache-dir"]
        var found: [String: String] = [:]
        var index = 1
        while index < argv.count {
            let argument = argv[index]
            if let equals = argument.firstIndex(of: "="), known.contains(String(argument[..<equals])) {
                found[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if known.contains(argument), index + 1 < argv.count {
                found[argument] = argv[index + 1]
                index += 1
            }
            index += 1
        }
        return found
    }

    private static func arguments(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
