import Foundation
import JSON
import Notes
import Testing
@testable import Workspace

@Suite struct RcloneRemoteControlTests {
    @Test func badURLsAreRefusedWithoutEchoingThem() {
        #expect(throws: RcloneError.invalidURL) { try RcloneRemoteControl(settingsURL: "ftp://u:secret@host/") }
        #expect(throws: RcloneError.invalidURL) { try RcloneRemoteControl(settingsURL: "not a url") }
        #expect(throws: RcloneError.invalidURL) { try RcloneRemoteControl(url: "127.0.0.1:5572", user: nil, password: nil).version() }
        #expect(!RcloneError.invalidURL.description.contains("secret"))
    }

    @Test func anUnreachableRcloneIsNamedByHostOnly() throws {
        let control = try RcloneRemoteControl(settingsURL: "http://user:hunter2secret@127.0.0.1:1/")
        let error = #expect(throws: RcloneError.self) { try control.version() }
        guard case .unreachable(let host, _) = error else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(host == "http://127.0.0.1:1")
        #expect(!(error?.description.contains("hunter2secret") ?? true))
    }

    @Test(.enabled(if: RcloneMount.isAvailable, "skipped: needs rclone and /dev/fuse"), .timeLimit(.minutes(2)))
    func againstARealRcloneMount() throws {
        let mount = try RcloneMount(extraArguments: ["--vfs-write-back", "2s"])
        defer { mount.stop() }
        try FileManager.default.createDirectory(atPath: mount.source + "/known", withIntermediateDirectories: true)
        try mount.start()
        let control = RcloneRemoteControl(url: mount.url, user: mount.user, password: mount.password)
        let files = FileManager.default

        #expect(try control.version().hasPrefix("v1."))
        let options = try control.vfsOptions()
        #expect(options["CacheMode"] == .integer(2) || options["CacheMode"] == .string("writes"))
        #expect(options["WriteBack"] != nil)
        #expect(FileSystemKind.describe(path: mount.mountPoint) == ("fuse.rclone", true, true))

        // A file written behind the mount's back shows up once its (listed) folder is refreshed.
        #expect(try files.contentsOfDirectory(atPath: mount.mountPoint + "/known") == [])
        try Data("elsewhere".utf8).write(to: URL(fileURLWithPath: mount.source + "/known/remote.md"))
        #expect(try files.contentsOfDirectory(atPath: mount.mountPoint + "/known") == [])
        try control.refresh(directory: "known")
        #expect(try files.contentsOfDirectory(atPath: mount.mountPoint + "/known") == ["remote.md"])

        // Folders the mount has never listed are reached through their parents.
        #expect(try files.contentsOfDirectory(atPath: mount.mountPoint).sorted() == ["known"])
        try files.createDirectory(atPath: mount.source + "/fresh/deeper", withIntermediateDirectories: true)
        try Data("new".utf8).write(to: URL(fileURLWithPath: mount.source + "/fresh/deeper/n.md"))
        try control.refresh(directory: "fresh/deeper/")
        #expect(files.contents(atPath: mount.mountPoint + "/fresh/deeper/n.md") == Data("new".utf8))
        try control.refresh(directory: "")
        #expect(throws: RcloneError.directoryNotFound(host: String(mount.url.dropLast()), directory: "nowhere/at/all")) {
            try control.refresh(directory: "nowhere/at/all")
        }

        // A write through the mount waits in the cache, then is uploaded.
        let bytes = Array("uploaded through the mount\n".utf8)
        let target = try VaultRoot(mount.mountPoint).resolve(relativePath: "known/up.md")
        try AtomicFile.write(bytes, to: target)
        let pending = try control.pendingUploads()
        #expect(pending.queued + pending.inProgress >= 1)
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline, try control.pendingUploads() != (0, 0) { usleep(100_000) }
        #expect(try control.pendingUploads() == (0, 0))
        #expect(files.contents(atPath: mount.source + "/known/up.md").map(Array.init) == bytes)

        let object = try #require(try control.remoteObject(path: "known/up.md"))
        #expect(object.size == Int64(bytes.count))
        #expect(object.md5 == Checksum.md5(bytes))
        #expect(try control.remoteObject(path: "known/missing.md") == nil)
        #expect(try control.remoteObject(path: "known") == nil)

        // Credentials: wrong ones are refused; the password never appears in an error.
        let wrong = RcloneRemoteControl(url: mount.url, user: mount.user, password: "wrong-" + mount.password)
        let error = #expect(throws: RcloneError.self) { try wrong.version() }
        #expect(error == .unauthorized(host: String(mount.url.dropLast())))
        #expect(!(error?.description.contains(mount.password) ?? true))
        let embedded = mount.url.replacingOccurrences(of: "http://", with: "http://\(mount.user):\(mount.password)@")
        #expect(try RcloneRemoteControl(settingsURL: embedded).version().hasPrefix("v1."))
        let fromEnvironment = try RcloneRemoteControl(settingsURL: mount.url, environment: ["RCLONE_RC_USER": mount.user, "RCLONE_RC_PASS": mount.password])
        #expect(try fromEnvironment.version().hasPrefix("v1."))
    }
}
