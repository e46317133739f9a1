import Foundation
import JSON
import JSONRPC
import Notes
import Workspace

/// On an rclone mount with `--vfs-cache-mode writes`, a save first lands in rclone's local cache
/// and reaches the bucket only after the write-back delay. This follows each save until the
/// bucket holds exactly its bytes (size and MD5, asked through rclone's remote control) and
/// then tells the client with `notes/didUpload`.
final class UploadTracker: @unchecked Sendable {
    struct Pending: Sendable {
        var path: String
        var checksum: String
        var md5: String
        var size: Int64
        var since: Date
    }

    private let remote: RemoteObjects
    private let onUploaded: @Sendable (Pending) -> Void
    private let lock = NSLock()
    private var pending: [String: Pending] = [:]   // by path: a newer save replaces an older one
    private var loop: Task<Void, Never>?
    private let giveUpAfter: Double = 30 * 60

    init(remote: RemoteObjects, onUploaded: @escaping @Sendable (Pending) -> Void) {
        self.remote = remote
        self.onUploaded = onUploaded
    }

    func track(path: String, checksum: String, bytes: [UInt8]) {
        let item = Pending(path: path, checksum: checksum, md5: Checksum.md5(bytes), size: Int64(bytes.count), since: Date())
        lock.withLock {
            pending[path] = item
            if loop == nil { loop = Task { [weak self] in await self?.run() } }
        }
    }

    func stop() { lock.withLock { loop?.cancel() } }

    private func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let items = lock.withLock { Array(pending.values) }
            if items.isEmpty { continue }
            let landed = (try? await Blocking.run("checking uploads", timeout: 30) { [remote] in
                items.filter { item in (try? remote.holds(path: item.path, size: item.size, md5: item.md5)) == true }
            }) ?? []
            let now = Date()
            for item in items where now.timeIntervalSince(item.since) > giveUpAfter {
                Log.warning("\(item.path) is still not in the bucket after \(Int(giveUpAfter / 60)) minutes; it is safe in rclone's cache")
            }
            let finished = lock.withLock { () -> [Pending] in
                var done: [Pending] = []
                for item in landed where pending[item.path]?.checksum == item.checksum {
                    pending.removeValue(forKey: item.path)
                    done.append(item)
                }
                for item in items where now.timeIntervalSince(item.since) > giveUpAfter { pending.removeValue(forKey: item.path) }
                return done
            }
            finished.forEach(onUploaded)
        }
    }
}

/// Whether the bucket behind the mount holds an object, asked without touching the mount's files.
protocol RemoteObjects: Sendable {
    func holds(path: String, size: Int64, md5: String) throws -> Bool
}

/// The bucket behind an rclone mount, through the mount's own remote control.
struct MountedBucket: RemoteObjects {
    let remoteControl: RcloneRemoteControl
    let mountPrefix: String

    func holds(path: String, size: Int64, md5: String) throws -> Bool {
        try remoteControl.remoteObject(path: MountFreshness.join(mountPrefix, path)).map { $0.size == size && ($0.md5 == nil || $0.md5 == md5) } ?? false
    }
}
