import Foundation
import Glibc

/// Who writes a save's temporary file, written into its name: this machine's boot, PID namespace
/// and process ("<boot><ns>-<pid>"). A bridge restarted after a kill -9 can then remove its dead
/// predecessor's temporary files at once, while one from a live save (which may hold it for up to
/// a save timeout, waiting for the index) or from another machine on a shared mount is left to age.
public enum TemporaryOwner {
    /// "<first 8 hex digits of the boot id><PID namespace inode>-<pid>" of this process.
    public static let current = "\(machine)-\(getpid())"

    /// Whether the temporary file named `name` was written by a process of this machine (same boot,
    /// same PID namespace) that no longer runs. False when unknown (another machine, an older name).
    public static func writerIsGone(_ name: String) -> Bool {
        guard let marker = name.range(of: AtomicFile.temporaryMarker) else { return false }
        let parts = name[marker.upperBound...].split(separator: "-")
        guard parts.count == 3, parts[0] == machine, let pid = pid_t(parts[1]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) == -1 && errno == ESRCH
    }

    private static let machine: String = {
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        let bootPrefix = String(boot.filter(\.isHexDigit).prefix(8))
        let namespace = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
        let inode = namespace.filter(\.isNumber)
        // Unknown boot or namespace: a tag no other process matches, so nothing is ever judged gone.
        guard bootPrefix.count == 8, !inode.isEmpty else { return "unknown" + String(UInt32.random(in: .min ... .max), radix: 16) }
        return bootPrefix + "n" + inode
    }()
}
