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
    /// Whether saves are in place once written (a local disk), or go through a cache that uploads later.
    let isLocalDisk: Bool
    /// On a mount, scans allow for it lagging behind the index.
    let mountLag: MountLag?
    /// The bucket behind an rclone mount, asked through rclone's remote control; nil without one.
    let remoteObjects: (any RemoteObjects)?

    init(settings: Settings) throws {
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

    private static func relative(_ path: String, to mountPoint: String) -> String {
        guard mountPoint != "/", path.hasPrefix(mountPoint) else { return "" }
        return String(path.dropFirst(mountPoint.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }
}

public struct SessionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
