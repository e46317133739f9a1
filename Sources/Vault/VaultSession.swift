import Foundation
import Index
import JSON
import Notes
import Workspace

/// Everything the server holds once it knows its notes folder: the root, the index, this
/// device's id, the save coordinator and the change monitor.
package final class VaultSession: Sendable {
    package let root: VaultRoot
    package let index: NoteIndex
    package let device: String
    package let settings: Settings
    package let saver: SaveCoordinator
    package let freshness: MountFreshness
    package let ownWrites = OwnWrites()
    package let pollInterval: Double
    package let scanInterval: Double
    package let saveTimeout: Double
    /// Whether saves are in place once written (a local disk), or go through a cache that uploads later.
    package let isLocalDisk: Bool
    /// On a mount, scans allow for it lagging behind the index.
    package let mountLag: MountLag?
    /// The bucket behind an rclone mount, asked through rclone's remote control; nil without one.
    package let remoteObjects: (any RemoteObjects)?

    package init(settings: Settings) throws {
        let vault = try OpenedVault(settings: settings)
        root = vault.root
        index = vault.index
        device = vault.device
        self.settings = settings
        pollInterval = settings.pollInterval ?? 1
        scanInterval = vault.scanInterval(configured: settings.scanInterval)
        saveTimeout = settings.saveTimeout ?? 10
        isLocalDisk = !vault.isOnMount
        mountLag = vault.mountLag
        let remoteControl = try settings.rcloneRC.map { try RcloneRemoteControl(settingsURL: $0) }
        let mountPrefix = FileSystemKind.mountPoint(of: vault.root.path).map { VaultSession.relative(vault.root.path, to: $0) } ?? ""
        freshness = MountFreshness(remoteControl: remoteControl, mountPrefix: mountPrefix)
        remoteObjects = vault.fileSystem.isFUSE ? remoteControl.map { MountedBucket(remoteControl: $0, mountPrefix: mountPrefix) } : nil
        saver = SaveCoordinator(root: root, index: index, device: device, freshness: freshness, ownWrites: ownWrites)
    }

    package func uri(_ path: String) -> String { root.uri(forRelativePath: path) }

    private static func relative(_ path: String, to mountPoint: String) -> String {
        guard mountPoint != "/", path.hasPrefix(mountPoint) else { return "" }
        return String(path.dropFirst(mountPoint.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }
}

public struct SessionError: Error, CustomStringConvertible {
    public var description: String
    package init(_ description: String) { self.description = description }
}
