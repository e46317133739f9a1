import Foundation
import Index
import Notes
import Workspace

/// One open notes folder and what works on it: the root, its index, this device's id, how files
/// are read fresh from a mount, which writes are our own, and the save coordinator over them.
/// The server, `notebridge watch`, the command-line tools and the bench all open one of these.
public final class VaultContext: Sendable {
    public let root: VaultRoot
    public let index: NoteIndex
    public let device: String
    package let settings: Settings
    package let fileSystem: (type: String, isFUSE: Bool, isNetwork: Bool)
    package let freshness: MountFreshness
    package let ownWrites = OwnWrites()
    /// What this device's view of the folder last showed of each note (see `observe`).
    package let mountView: MountView
    package let saver: SaveCoordinator
    package let pollInterval: Double
    /// Seconds between stat scans unless configured: 30 on a mount (a scan lists it over the
    /// network), 5 on a local disk.
    package let scanInterval: Double
    package let saveTimeout: Double
    /// The bucket behind an rclone mount, asked through rclone's remote control; nil without one.
    package let remoteObjects: (any RemoteObjects)?
    /// Prunes the history by `settings.retention`; the server and `notebridge watch` start it.
    package let pruner: HistoryPruner

    /// Whether the root is on a mount (FUSE or a network file system), which can lag behind the index.
    public var isOnMount: Bool { fileSystem.isFUSE || fileSystem.isNetwork }
    /// Whether saves are in place once written (a local disk), or go through a cache that uploads later.
    package var isLocalDisk: Bool { !isOnMount }
    /// On a mount, scans allow for it lagging behind the index.
    public var mountLag: MountLag? { isOnMount ? MountLag() : nil }

    /// Opens the folder and index that `settings` name (the root must be set).
    public convenience init(settings: Settings) throws {
        guard let rootPath = settings.root else { throw MissingRoot() }
        let root = try VaultRoot(rootPath)
        if RootChoice.isTooBroad(root.path), !settings.allowBroadRoot {
            throw SessionError("refusing to use \(root.path) as a notes folder (it is / or your home directory); "
                + "point --root at your notes folder, or pass --allow-broad-root")
        }
        let index = try Self.openIndex(settings.database, root: root)
        let remoteControl = try settings.rcloneRC.map { try RcloneRemoteControl(settingsURL: $0) }
        let mountPrefix = FileSystemKind.pathInsideMount(root.path)
        self.init(root: root, index: index, device: settings.device ?? DeviceID.current(), settings: settings,
                  fileSystem: FileSystemKind.describe(path: root.path),
                  freshness: MountFreshness(remoteControl: remoteControl, mountPrefix: mountPrefix))
        cleanLeftoverTemporaries()
    }

    /// A context over an index already open (the bench, tests). `remoteObjects`: the bucket behind
    /// the mount, else the one the remote control in `freshness` reaches on a FUSE mount.
    package init(root: VaultRoot, index: NoteIndex, device: String, settings: Settings = Settings(),
                 fileSystem: (type: String, isFUSE: Bool, isNetwork: Bool)? = nil, freshness: MountFreshness = MountFreshness(),
                 remoteObjects: (any RemoteObjects)? = nil) {
        self.root = root
        self.index = index
        self.device = device
        self.settings = settings
        self.fileSystem = fileSystem ?? FileSystemKind.describe(path: root.path)
        self.freshness = freshness
        mountView = MountView(root: root)
        let isOnMount = self.fileSystem.isFUSE || self.fileSystem.isNetwork
        pollInterval = settings.pollInterval ?? 1
        scanInterval = settings.scanInterval ?? (isOnMount ? 30 : 5)
        saveTimeout = settings.saveTimeout ?? 10
        self.remoteObjects = remoteObjects ?? (self.fileSystem.isFUSE
            ? freshness.remoteControl.map { MountedBucket(remoteControl: $0, mountPrefix: freshness.mountPrefix) } : nil)
        saver = SaveCoordinator(root: root, index: index, device: device, freshness: freshness, ownWrites: ownWrites)
        pruner = HistoryPruner(index: index, policy: settings.retention)
    }

    package func uri(_ path: String) -> String { root.uri(forRelativePath: path) }

    /// The index named by `database` (a URL or path), else by the environment, else the
    /// default file under the user's cache folder (never inside the notes folder).
    static func openIndex(_ database: String?, root: VaultRoot) throws -> NoteIndex {
        let named = try database.map { try DatabaseURL.parse($0) } ?? DatabaseURL.fromEnvironment()
        let url = named ?? .sqlite(path: IndexLocation.defaultPath(forRoot: root))
        let executor = try IndexDatabase.open(url: url, createsFolder: named == nil)
        return try NoteIndex(executor: executor)
    }
}

public struct SessionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
