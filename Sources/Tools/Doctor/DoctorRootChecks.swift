import Foundation
import Support
import Vault
import Workspace

/// The file system a notes root sits on, as the other checks need it.
package struct DoctorMount: Sendable {
    package var type: String
    package var isFUSE: Bool
    package var isNetwork: Bool
    package var mountPoint: String?
    package var isRclone: Bool { type == "fuse.rclone" }
}

/// Checks that the root exists and can be read and written, and names its file system.
package enum DoctorRootChecks {
    package struct Outcome: Sendable {
        var checks: [DoctorCheck]
        /// The root with symlinks resolved, when it exists.
        var canonicalPath: String?
        var mount: DoctorMount?
    }

    /// A hung FUSE mount blocks stat(2); the checks give up waiting after `timeout` seconds.
    package static func run(path: String, timeout: Double = 5) -> Outcome {
        let fix = "unmount it (fusermount3 -uz \(path)) and restart rclone; check that the S3 server is reachable"
        return DoctorDeadline.run(timeout, { inspect(path) }) ?? Outcome(
            checks: [DoctorCheck("root", .fail, "\(path) did not answer within \(Int(timeout)) s: the mount looks hung", fix: fix)],
            canonicalPath: nil, mount: nil)
    }

    private static func inspect(_ path: String) -> Outcome {
        let root: VaultRoot
        do { root = try VaultRoot(path) } catch {
            let fix = error == .rootIsFilesystemRoot ? "point --root at your notes folder"
                : "create it (mkdir -p \(path)), or mount your bucket there, or fix the --root path"
            return Outcome(checks: [DoctorCheck("root", .fail, "\(error)", fix: fix)], canonicalPath: nil, mount: nil)
        }
        var checks: [DoctorCheck] = []
        let readable = access(root.path, R_OK | X_OK) == 0
        let writable = access(root.path, W_OK) == 0
        switch (readable, writable) {
        case (true, true):
            checks.append(DoctorCheck("root", .ok, "\(root.path) exists, readable and writable"))
        case (true, false):
            checks.append(DoctorCheck("root", .fail, "\(root.path) is read-only for this user: saves would fail",
                                      fix: "make it writable (chmod u+w, or mount without --read-only)"))
        default:
            checks.append(DoctorCheck("root", .fail, "\(root.path) cannot be read by this user",
                                      fix: "fix its permissions (chmod u+rx) or run notebridge as its owner"))
        }
        let kind = FileSystemKind.describe(path: root.path)
        let mount = DoctorMount(type: kind.type, isFUSE: kind.isFUSE, isNetwork: kind.isNetwork,
                                mountPoint: FileSystemKind.mountPoint(of: root.path))
        checks.append(fileSystemCheck(mount))
        return Outcome(checks: checks, canonicalPath: root.path, mount: mount)
    }

    private static func fileSystemCheck(_ mount: DoctorMount) -> DoctorCheck {
        let at = mount.mountPoint.map { " at \($0)" } ?? ""
        if mount.isRclone {
            return DoctorCheck("filesystem", .ok, "fuse.rclone (an rclone mount\(at)): scans every 30 s, inotify sees only this device's writes")
        }
        if mount.isFUSE || mount.isNetwork {
            return DoctorCheck("filesystem", .ok, "\(mount.type) (a network file system\(at)): scans every 30 s")
        }
        if mount.type.hasPrefix("fuse") || mount.type.hasPrefix("unknown") {
            return DoctorCheck("filesystem", .warn, "\(mount.type)\(at): notebridge does not know this file system",
                               fix: "if it is a network or cloud mount, expect changes from elsewhere only at each scan (pass --scan-interval)")
        }
        return DoctorCheck("filesystem", .ok, "\(mount.type) (a local disk): inotify sees changes at once, scans every 5 s")
    }
}

/// Runs blocking work on its own thread and stops waiting for it after a deadline (a hung mount
/// keeps that thread, as it would keep any other).
package enum DoctorDeadline {
    package static func run<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
        let result = Locked<T?>(nil)   // set once, by the worker thread
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return result.value
    }
}
