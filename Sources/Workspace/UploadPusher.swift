import Dispatch
import Foundation
import Support

/// Gets files written on an rclone mount into the bucket now rather than after the mount's
/// `--vfs-write-back` delay (5 s by default): it finds each file in rclone's upload queue
/// (`vfs/queue`) and sets its expiry to now (`vfs/queue-set-expiry`, rclone 1.64 and later).
///
/// It never opens the files (a use of a file restarts its write-back delay), works on a thread of
/// its own so no caller waits for rclone, and looks for a file in the queue for a few seconds: the
/// entry appears a few milliseconds after the file is closed. An rclone without these calls is
/// detected once; then pushing does nothing and uploads keep the mount's own delay.
public final class UploadPusher: Sendable {
    public enum Capability: Sendable, Equatable {
        case unknown
        case available
        /// This rclone (its version) has no `vfs/queue-set-expiry`.
        case unavailable(version: String)
    }

    /// The commands a push needs, as rclone lists them in `rc/list`.
    public static let requiredCommands: Set<String> = ["vfs/queue", "vfs/queue-set-expiry"]

    private let remoteControl: RcloneRemoteControl
    private let mountPrefix: String
    private let window: Double
    /// Paths in the mount still to find in the queue (with when to stop looking), whether the drain
    /// loop is running, and what this rclone can do.
    private let state = Locked<(waiting: [String: Date], draining: Bool, capability: Capability)>(([:], false, .unknown))
    private let worker = DispatchQueue(label: "notebridge.upload-push")

    /// `mountPrefix`: where the notes root sits inside the mount; `window`: seconds to look for a file in the queue.
    public init(remoteControl: RcloneRemoteControl, mountPrefix: String, window: Double = 3) {
        self.remoteControl = remoteControl
        self.mountPrefix = mountPrefix
        self.window = window
    }

    public var capability: Capability { state.withLock { $0.capability } }

    /// Asks rclone to upload these files (paths relative to the notes root) now. Returns at once.
    public func push(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        let startDrain = state.withLock { state -> Bool in
            if case .unavailable = state.capability { return false }
            let until = Date().addingTimeInterval(window)
            for path in paths { state.waiting[MountFreshness.join(mountPrefix, path)] = until }
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDrain { worker.async { [self] in drain() } }
    }

    /// Polls the queue (backing off to 5 times a second) until every waiting file was found or its
    /// window ended; each one found is uploaded now.
    private func drain() {
        guard detectCapability() else {
            state.withLock { state in
                state.waiting = [:]
                state.draining = false
            }
            return
        }
        var pause = 0.005
        while true {
            let queue: [RcloneRemoteControl.QueuedUpload]?
            do { queue = try remoteControl.uploadQueue() } catch {
                Log.debug("upload push: \(error)")
                queue = nil
            }
            let now = Date()
            let (due, finished) = state.withLock { state -> ([RcloneRemoteControl.QueuedUpload], Bool) in
                // An entry being uploaded may still be the previous bytes; wait for the one our write queued.
                let due = (queue ?? []).filter { !$0.uploading && state.waiting[$0.name] != nil }
                for item in due { state.waiting.removeValue(forKey: item.name) }
                state.waiting = state.waiting.filter { $0.value > now }
                if state.waiting.isEmpty { state.draining = false }
                return (due, state.waiting.isEmpty)
            }
            for item in due {
                do {
                    try remoteControl.uploadNow(id: item.id)
                    Log.debug("upload push: \(item.name) is uploading now")
                } catch {
                    Log.debug("upload push: \(item.name): \(error)")
                }
            }
            if finished { return }
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 0.2)
        }
    }

    /// Asks rclone once which calls it has; an rclone that does not answer is asked again next time.
    private func detectCapability() -> Bool {
        switch capability {
        case .available: return true
        case .unavailable: return false
        case .unknown: break
        }
        let found: Capability
        do {
            if Self.requiredCommands.isSubset(of: try remoteControl.commands()) {
                found = .available
            } else {
                found = .unavailable(version: (try? remoteControl.version()) ?? "(unknown version)")
            }
        } catch {
            Log.debug("upload push: cannot ask rclone which calls it has: \(error)")
            return false
        }
        state.withLock { $0.capability = found }
        if case .unavailable(let version) = found {
            Log.info("rclone \(version) cannot upload a file on request (that needs rclone 1.64 or later): "
                + "saves reach the bucket after the mount's --vfs-write-back delay")
        }
        return found == .available
    }
}

extension UploadPusher {
    /// Pushes every note written under `root` as inotify sees it (`notebridge watch --rclone-rc`:
    /// Basic Memory's writes on the container's mount). Stop the returned watcher to end it.
    public func pushingWrites(under root: VaultRoot) throws -> FileWatcher {
        try FileWatcher(root: root) { [self] paths in push(paths) }
    }
}
