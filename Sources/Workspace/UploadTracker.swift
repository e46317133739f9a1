import Foundation
import Notes
import Support

/// On an rclone mount with `--vfs-cache-mode writes`, a save first lands in rclone's local cache
/// and reaches the bucket only after the write-back delay. This follows each save until the
/// bucket holds exactly its bytes (size and MD5, asked through rclone's remote control) and
/// then tells the client with `notes/didUpload`. Where rclone allows it, each save is pushed to the
/// bucket at once instead of waiting for the write-back delay.
public final class UploadTracker: Sendable {
    public struct Pending: Sendable {
        public var path: String
        public var checksum: String
        public var md5: String
        public var size: Int64
        public var since: Date
    }

    private let remote: RemoteObjects
    /// Told of each save that landed; held weakly (the server owns the tracker).
    private weak let sink: (any UploadSink)?
    /// The saves not yet seen in the bucket, by path (a newer save replaces an older one), and the
    /// loop that checks them, started by the first save.
    private let state = Locked<(pending: [String: Pending], loop: Task<Void, Never>?)>(([:], nil))
    /// Conflict copies not yet seen in the bucket, by path, written again if the mount loses them
    /// first: rclone stopped soon after a copy was written can drop it on restart ("corrupt
    /// metadata"), and a copy, unlike a note, has no version in the index to come back from.
    private let copies = Locked<[String: KeptCopy]>([:])

    private struct KeptCopy: Sendable {
        var file: ResolvedPath
        var bytes: [UInt8]
        var md5: String
        var since: Date
    }
    private let giveUpAfter: Double = 30 * 60

    public init(remote: RemoteObjects, sink: any UploadSink) {
        self.remote = remote
        self.sink = sink
    }

    public func track(path: String, checksum: String, bytes: [UInt8]) {
        let item = Pending(path: path, checksum: checksum, md5: Checksum.md5(bytes), size: Int64(bytes.count), since: Date())
        state.withLock { $0.pending[path] = item }
        startLoop()
        remote.uploadNow([path])
    }

    /// Follows a save's conflict copy holding `bytes` until the bucket holds it (written again if
    /// the file goes missing before that); it is uploaded now.
    public func keep(copy file: ResolvedPath, bytes: [UInt8]) {
        copies.withLock { $0[file.relative] = KeptCopy(file: file, bytes: bytes, md5: Checksum.md5(bytes), since: Date()) }
        startLoop()
        remote.uploadNow([file.relative])
    }

    /// Asks for a file written on this mount besides a save (an editor's own write) to be uploaded now.
    public func push(path: String) { remote.uploadNow([path]) }

    private func startLoop() {
        state.withLock { state in
            if state.loop == nil { state.loop = Task { [weak self] in await self?.run() } }
        }
    }

    public func stop() { state.withLock { $0.loop?.cancel() } }

    private func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let items = state.withLock { Array($0.pending.values) }
            let kept = copies.withLock { Array($0.values) }
            if items.isEmpty && kept.isEmpty { continue }
            let landed = (try? await Blocking.run("checking uploads", timeout: 30) { [self] () -> [Pending] in
                followCopies(kept)
                return items.filter { item in (try? remote.holds(path: item.path, size: item.size, md5: item.md5)) == true }
            }) ?? []
            let now = Date()
            for item in items where now.timeIntervalSince(item.since) > giveUpAfter {
                Log.warning("\(item.path) is still not in the bucket after \(Int(giveUpAfter / 60)) minutes; it is safe in rclone's cache")
            }
            let finished = state.withLock { state -> [Pending] in
                var done: [Pending] = []
                for item in landed where state.pending[item.path]?.checksum == item.checksum {
                    state.pending.removeValue(forKey: item.path)
                    done.append(item)
                }
                for item in items where now.timeIntervalSince(item.since) > giveUpAfter { state.pending.removeValue(forKey: item.path) }
                return done
            }
            for item in finished { sink?.uploaded(item) }
        }
    }
}

extension UploadTracker {
    /// Drops the copies the bucket holds (or followed for too long); writes again those whose file
    /// is gone from a mount that answers, under the same name.
    private func followCopies(_ kept: [KeptCopy]) {
        for copy in kept {
            let path = copy.file.relative
            let landed = (try? remote.holds(path: path, size: Int64(copy.bytes.count), md5: copy.md5)) == true
            if landed || Date().timeIntervalSince(copy.since) > giveUpAfter {
                copies.withLock { _ = $0.removeValue(forKey: path) }
                continue
            }
            var info = stat()
            guard stat(copy.file.absolute, &info) != 0, errno == ENOENT else { continue }
            do {
                try AtomicFile.writeNew(copy.bytes, to: copy.file)  // refuses under a mount point that went away
                Log.warning("\(path): the mount lost this conflict copy before uploading it; written again")
                remote.uploadNow([path])
            } catch {
                Log.debug("\(path): cannot write the conflict copy again yet: \(error)")
            }
        }
    }
}

/// Where an `UploadTracker` reports saves that reached the bucket (the server: `notes/didUpload`).
public protocol UploadSink: AnyObject, Sendable {
    /// Called on the tracker's task, once per save that landed.
    func uploaded(_ save: UploadTracker.Pending)
}

/// Whether the bucket behind the mount holds an object, asked without touching the mount's files.
public protocol RemoteObjects: Sendable {
    func holds(path: String, size: Int64, md5: String) throws -> Bool
    /// Starts uploading these files (relative to the root) now if the mount can; returns at once.
    func uploadNow(_ paths: [String])
    /// Whether `bytes`, read from the mount at `path`, are what the bucket holds or a write made
    /// through this mount that is still to be uploaded; true when it cannot tell.
    func backs(path: String, bytes: [UInt8]) -> Bool
}

extension RemoteObjects {
    public func uploadNow(_ paths: [String]) {}
    public func backs(path: String, bytes: [UInt8]) -> Bool { true }
}

/// The bucket behind an rclone mount, through the mount's own remote control.
public struct MountedBucket: RemoteObjects {
    public let remoteControl: RcloneRemoteControl
    public let mountPrefix: String
    public let pusher: UploadPusher

    public init(remoteControl: RcloneRemoteControl, mountPrefix: String) {
        self.remoteControl = remoteControl
        self.mountPrefix = mountPrefix
        pusher = UploadPusher(remoteControl: remoteControl, mountPrefix: mountPrefix)
    }

    public func uploadNow(_ paths: [String]) { pusher.push(paths) }

    public func holds(path: String, size: Int64, md5: String) throws -> Bool {
        try remoteControl.remoteObject(path: MountFreshness.join(mountPrefix, path)).map { $0.size == size && ($0.md5 == nil || $0.md5 == md5) } ?? false
    }

    /// rclone can serve a renamed file from the cache of its old name, stale ranges mixed with the
    /// bucket's newer bytes at the bucket's size: text that no one wrote (seen in the fault soak).
    /// A queued upload of that name or size counts as a write made here: the queue keeps the name
    /// a file had when it was queued (Helix writes a backup name, then renames it over the note).
    /// No object of that name and no such upload is not a write either: a file renamed here whose
    /// object has not been moved yet (the CI soak indexed such a mix under the new name).
    public func backs(path: String, bytes: [UInt8]) -> Bool {
        let name = MountFreshness.join(mountPrefix, path)
        let object: (size: Int64, md5: String?)?
        do { object = try remoteControl.remoteObject(path: name) } catch { return true }
        if let object {
            guard let md5 = object.md5 else { return true }
            if object.size == Int64(bytes.count) && md5 == Checksum.md5(bytes) { return true }
        }
        guard let queue = try? remoteControl.uploadQueue() else { return true }
        return queue.contains { $0.name == name || $0.size == Int64(bytes.count) }
    }
}
