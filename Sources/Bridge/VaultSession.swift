import Foundation
import Index
import JSON
import JSONRPC
import Notes
import Workspace

/// Everything the server holds once it knows its notes folder: the root, the index, this
/// device's id, the save coordinator and the change monitor.
final class VaultSession: Sendable {
    let root: VaultRoot
    let index: NoteIndex
    let device: String
    let settings: Settings
    let saver: SaveCoordinator
    let freshness: MountFreshness
    let ownWrites = OwnWrites()
    let pollInterval: Double
    let scanInterval: Double
    let saveTimeout: Double

    init(settings: Settings) throws {
        guard let rootPath = settings.root else { throw MissingRoot() }
        let root = try VaultRoot(rootPath)
        if RootChoice.isTooBroad(root.path), !settings.allowBroadRoot {
            throw SessionError("refusing to serve \(root.path) as a notes folder (it is / or your home directory); "
                + "point --root at your notes folder, or pass --allow-broad-root")
        }
        self.root = root
        self.settings = settings
        index = try Self.openIndex(settings.database, root: root)
        device = settings.device ?? DeviceID.current()
        let fileSystem = FileSystemKind.describe(path: root.path)
        pollInterval = settings.pollInterval ?? 1
        scanInterval = settings.scanInterval ?? (fileSystem.isFUSE || fileSystem.isNetwork ? 30 : 5)
        saveTimeout = settings.saveTimeout ?? 10
        freshness = MountFreshness(remoteControl: try settings.rcloneRC.map { try RcloneRemoteControl(settingsURL: $0) })
        saver = SaveCoordinator(root: root, index: index, device: device, freshness: freshness, ownWrites: ownWrites)
    }

    /// The index named by `database` (a URL or path), else by the environment, else the
    /// default file under the user's cache folder (never inside the notes folder).
    static func openIndex(_ database: String?, root: VaultRoot) throws -> NoteIndex {
        let url = try database.map { try DatabaseURL.parse($0) } ?? DatabaseURL.fromEnvironment()
            ?? .sqlite(path: IndexLocation.defaultPath(forRoot: root.path))
        let executor: any SQLExecutor
        switch url {
        case .sqlite(let path):
            try IndexLocation.prepareFolder(for: path)
            executor = try SQLiteExecutor(path: path)
        case .remote(let remote):
            executor = try HranaExecutor(database: remote)
        }
        return try NoteIndex(executor: executor)
    }

    func resolve(_ params: Params) throws(ResponseError) -> ResolvedPath {
        do {
            if let uri = try params.optionalString("uri") { return try root.resolve(uri: uri) }
            if let path = try params.optionalString("path") { return try root.resolve(relativePath: path) }
            if let document = try params.optionalObject("textDocument") {
                return try root.resolve(uri: try document.string("uri"))
            }
        } catch let error as PathError {
            throw .invalidParams("\(params.path.isEmpty ? "" : params.path + ".")path: \(error)")
        } catch let error as ResponseError {
            throw error
        } catch {
            throw .invalidParams("\(error)")
        }
        throw .invalidParams("\(params.path.isEmpty ? "" : params.path + ": ")expected one of uri, path, textDocument")
    }

    func uri(_ path: String) -> String { root.uri(forRelativePath: path) }
}

struct SessionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
