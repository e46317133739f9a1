import Foundation
import Support
import Workspace

/// What this device's view of the notes folder last showed of each note, and whether the
/// folder is reachable at all. Overwrite detection asks it: bytes that replace a version this
/// view never showed replaced a version their writer never saw.
package final class MountView: Sendable {
    private let root: VaultRoot
    /// The root's st_dev when opened: another value later means the mount is gone and the
    /// folder underneath shows instead.
    private let rootDevice: UInt64?
    /// path → checksum last read here (the observe path) — invariant: only settled reads.
    private let shown = Locked<[String: String]>([:])

    package init(root: VaultRoot) {
        self.root = root
        var info = stat()
        rootDevice = stat(root.path, &info) == 0 ? UInt64(info.st_dev) : nil
    }

    package func showed(path: String, checksum: String) { shown.withLock { $0[path] = checksum } }
    package func lastShown(path: String) -> String? { shown.withLock { $0[path] } }
    package func forget(path: String) { _ = shown.withLock { $0.removeValue(forKey: path) } }

    /// Whether a missing file can mean "deleted": the root stats (ENOTCONN, EIO, ESTALE do not),
    /// on the same device as when opened, and lists.
    package var isReachable: Bool {
        var info = stat()
        guard stat(root.path, &info) == 0 else { return false }
        if let rootDevice, UInt64(info.st_dev) != rootDevice { return false }
        guard let folder = opendir(root.path) else { return false }
        closedir(folder)
        return true
    }

    /// Whether the folder holding `path` is reachable (see `isReachable`) and lists.
    package func folderLists(_ path: String) -> Bool {
        guard isReachable else { return false }
        let folder = (path as NSString).deletingLastPathComponent
        guard let handle = opendir(folder.isEmpty ? root.path : root.path + "/" + folder) else { return errno == ENOENT }
        closedir(handle)
        return true
    }
}
