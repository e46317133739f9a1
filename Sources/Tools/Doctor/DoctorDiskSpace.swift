import Foundation
import Vault

/// Free space where the index or rclone's cache lives: little room there means failed writes.
package enum DoctorDiskSpace {
    /// Bytes available to this user on the file system holding `path` (or its nearest existing parent).
    package static func available(at path: String) -> UInt64? {
        var current = path
        while !FileManager.default.fileExists(atPath: current) {
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current, !parent.isEmpty else { return nil }
            current = parent
        }
        var info = statvfs()
        guard statvfs(current, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// ok above 1 GiB, warn above 100 MiB, fail below.
    package static func check(_ name: String, what: String, path: String, fix: String) -> DoctorCheck {
        guard let bytes = available(at: path) else {
            return DoctorCheck(name, .warn, "cannot tell the free space of \(what) at \(path)", fix: fix)
        }
        let text = "\(format(bytes)) free for \(what) at \(path)"
        if bytes < 100 << 20 { return DoctorCheck(name, .fail, text, fix: fix) }
        if bytes < 1 << 30 { return DoctorCheck(name, .warn, text, fix: fix) }
        return DoctorCheck(name, .ok, text)
    }

    package static func format(_ bytes: UInt64) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
