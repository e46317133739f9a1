import Foundation
import Testing
@testable import Workspace

/// Pushing uploads against rclone versions without `vfs/queue-set-expiry` (the push itself, on
/// rclone 1.75, is covered end to end by Tests/e2e/test_realtime_push.py).
@Suite struct UploadPusherTests {
    @Test(.timeLimit(.minutes(1)))
    func anUnreachableRcloneLeavesTheCapabilityUnknownToAskAgain() async throws {
        let pusher = UploadPusher(remoteControl: try RcloneRemoteControl(settingsURL: "http://127.0.0.1:1/"), mountPrefix: "")
        pusher.push(["a.md"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(pusher.capability == .unknown)
    }

    @Test(.enabled(if: RcloneMount.isAvailable, "skipped: needs rclone and /dev/fuse"), .timeLimit(.minutes(2)))
    func rcloneWithoutTheQueueCallsFallsBackToItsWriteBackDelay() throws {
        let mount = try RcloneMount(extraArguments: ["--vfs-write-back", "1s"])
        defer { mount.stop() }
        try mount.start()
        let control = RcloneRemoteControl(url: mount.url, user: mount.user, password: mount.password)
        guard !UploadPusher.requiredCommands.isSubset(of: try control.commands()) else { return }  // a newer rclone
        let pusher = UploadPusher(remoteControl: control, mountPrefix: "")
        let bytes = Array("written on an old rclone\n".utf8)
        try AtomicFile.write(bytes, to: try VaultRoot(mount.mountPoint).resolve(relativePath: "old.md"))
        pusher.push(["old.md"])
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline, pusher.capability == .unknown || FileManager.default.contents(atPath: mount.source + "/old.md") == nil {
            usleep(50_000)
        }
        guard case .unavailable(let version) = pusher.capability else {
            Issue.record("expected .unavailable, got \(pusher.capability)")
            return
        }
        #expect(version.hasPrefix("v1."))
        #expect(FileManager.default.contents(atPath: mount.source + "/old.md").map(Array.init) == bytes)
    }
}
