import Index
import Workspace

/// A notes folder and its index, for the command-line tools that work without a client.
public struct OpenedVault: Sendable {
    public let root: VaultRoot
    public let index: NoteIndex
    public let device: String

    public init(settings: Settings) throws {
        guard let rootPath = settings.root else { throw MissingRoot() }
        root = try VaultRoot(rootPath)
        if RootChoice.isTooBroad(root.path), !settings.allowBroadRoot {
            throw SessionError("refusing to use \(root.path) as a notes folder (it is / or your home directory); "
                + "point --root at your notes folder, or pass --allow-broad-root")
        }
        index = try Self.openIndex(settings.database, root: root)
        device = settings.device ?? DeviceID.current()
    }

    /// The index named by `database` (a URL or path), else by the environment, else the
    /// default file under the user's cache folder (never inside the notes folder).
    static func openIndex(_ database: String?, root: VaultRoot) throws -> NoteIndex {
        let url = try database.map { try DatabaseURL.parse($0) } ?? DatabaseURL.fromEnvironment()
            ?? .sqlite(path: IndexLocation.defaultPath(forRoot: root))
        let executor: any SQLExecutor
        switch url {
        case .sqlite(let path):
            try IndexLocation.prepareFolder(for: path)
            executor = try SQLiteExecutor(path: path)
        case .remote(let remote):
            executor = HranaExecutor(database: remote)
        }
        return try NoteIndex(executor: executor)
    }
}
