import Index
import Workspace

/// A notes folder and its index, for the command-line tools that work without a client.
public struct OpenedVault: Sendable {
    public let root: VaultRoot
    public let index: NoteIndex
    public let device: String
    public let fileSystem: (type: String, isFUSE: Bool, isNetwork: Bool)
    /// Whether the root is on a mount (FUSE or a network file system), which can lag behind the index.
    public var isOnMount: Bool { fileSystem.isFUSE || fileSystem.isNetwork }
    public var mountLag: MountLag? { isOnMount ? MountLag() : nil }

    public init(settings: Settings) throws {
        guard let rootPath = settings.root else { throw MissingRoot() }
        root = try VaultRoot(rootPath)
        if RootChoice.isTooBroad(root.path), !settings.allowBroadRoot {
            throw SessionError("refusing to use \(root.path) as a notes folder (it is / or your home directory); "
                + "point --root at your notes folder, or pass --allow-broad-root")
        }
        index = try Self.openIndex(settings.database, root: root)
        device = settings.device ?? DeviceID.current()
        fileSystem = FileSystemKind.describe(path: root.path)
    }

    /// Seconds between stat scans unless configured: 30 on a mount (a scan lists it over the
    /// network), 5 on a local disk.
    public func scanInterval(configured: Double?) -> Double { configured ?? (isOnMount ? 30 : 5) }

    /// The index named by `database` (a URL or path), else by the environment, else the
    /// default file under the user's cache folder (never inside the notes folder).
    package static func openIndex(_ database: String?, root: VaultRoot) throws -> NoteIndex {
        let url = try database.map { try DatabaseURL.parse($0) } ?? DatabaseURL.fromEnvironment()
            ?? .sqlite(path: IndexLocation.defaultPath(forRoot: root))
        let executor = try IndexDatabase.open(url: url)
        return try NoteIndex(executor: executor)
    }
}
