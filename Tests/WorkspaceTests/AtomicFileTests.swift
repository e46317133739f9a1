import Foundation
import Glibc
import Testing
@testable import Workspace

@Suite(.serialized) struct AtomicFileTests {
    @Test func temporaryFileSitsBesideTheTargetUntilCommitted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "folder/deeper/note.md")
        let temporary = try AtomicFile.writeTemporary(Array("hello\n".utf8), beside: target)
        #expect(temporary.hasPrefix(directory.path + "/folder/deeper/.note.md.nb-tmp-"))
        #expect(directory.read("folder/deeper/note.md") == nil)
        #expect(FileManager.default.contents(atPath: temporary) == Data("hello\n".utf8))

        try AtomicFile.commit(temporary: temporary, to: target)
        #expect(directory.read("folder/deeper/note.md") == "hello\n")
        #expect(directory.entries("folder/deeper") == ["note.md"])
    }

    @Test func discardLeavesNothingAndTheTargetAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("note.md", "old")
        let target = try VaultRoot(directory.path).resolve(relativePath: "note.md")
        let temporary = try AtomicFile.writeTemporary(Array("new".utf8), beside: target)
        AtomicFile.discard(temporary: temporary)
        #expect(directory.entries() == ["note.md"])
        #expect(directory.read("note.md") == "old")
    }

    @Test func writeReplacesTheWholeFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("note.md", String(repeating: "long old text\n", count: 1000))
        let target = try VaultRoot(directory.path).resolve(relativePath: "note.md")
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        try AtomicFile.write(bytes, to: target)
        #expect(FileManager.default.contents(atPath: target.absolute).map(Array.init) == bytes)
        try AtomicFile.write([], to: target)
        #expect(directory.read("note.md") == "")
        #expect(directory.entries() == ["note.md"])
    }

    @Test func modeIsReadWriteLessTheUmask() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        for (mask, expected) in [(mode_t(0o022), mode_t(0o644)), (0o077, 0o600), (0o002, 0o664)] {
            let previous = umask(mask)
            defer { umask(previous) }
            let target = try root.resolve(relativePath: "mode-\(String(mask, radix: 8)).md")
            try AtomicFile.write(Array("x".utf8), to: target)
            var info = stat()
            #expect(stat(target.absolute, &info) == 0)
            #expect(info.st_mode & 0o777 == expected)
        }
    }

    @Test func aFolderThatCannotBeWrittenGivesAnErrorAndKeepsTheTarget() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("locked/note.md", "original")
        let target = try VaultRoot(directory.path).resolve(relativePath: "locked/note.md")
        guard Unwritable.make(directory.path + "/locked") else {
            Issue.record("could not make a folder unwritable (root without chattr?)")
            return
        }
        defer { Unwritable.undo(directory.path + "/locked") }
        #expect(throws: FileError.self) { try AtomicFile.write(Array("new".utf8), to: target) }
        #expect(directory.read("locked/note.md") == "original")
        #expect(directory.entries("locked") == ["note.md"])
    }

    @Test func aFileInPlaceOfAFolderGivesAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("plain", "not a folder")
        let target = try VaultRoot(directory.path).resolve(relativePath: "plain/note.md")
        let error = #expect(throws: FileError.self) { try AtomicFile.write(Array("x".utf8), to: target) }
        #expect(error?.description.hasPrefix("could not ") == true)
        #expect(directory.read("plain") == "not a folder")
    }

    @Test func writeNewNeverReplacesAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("taken.md", "someone's text")
        let root = try VaultRoot(directory.path)
        #expect { try AtomicFile.writeNew(Array("mine".utf8), to: try root.resolve(relativePath: "taken.md")) }
            throws: { ($0 as? FileError)?.code == EEXIST }
        try AtomicFile.writeNew(Array("mine".utf8), to: try root.resolve(relativePath: "free.md"))
        #expect(directory.read("taken.md") == "someone's text")
        #expect(directory.read("free.md") == "mine")
        #expect(directory.entries() == ["free.md", "taken.md"])
    }

    /// rclone's FUSE mount has no RENAME_NOREPLACE (EINVAL): the exclusive create is used there.
    @Test(.enabled(if: RcloneMount.isAvailable, "skipped: needs rclone and /dev/fuse"), .timeLimit(.minutes(2)))
    func writeNewNeverReplacesAFileOnAMount() throws {
        let mount = try RcloneMount()
        defer { mount.stop() }
        try mount.start()
        let root = try VaultRoot(mount.mountPoint)
        try AtomicFile.write(Array("someone's text".utf8), to: try root.resolve(relativePath: "taken.md"))
        #expect { try AtomicFile.writeNew(Array("mine".utf8), to: try root.resolve(relativePath: "taken.md")) }
            throws: { ($0 as? FileError)?.code == EEXIST }
        try AtomicFile.writeNew(Array("mine".utf8), to: try root.resolve(relativePath: "free.md"))
        #expect(FileManager.default.contents(atPath: mount.mountPoint + "/taken.md") == Data("someone's text".utf8))
        #expect(FileManager.default.contents(atPath: mount.mountPoint + "/free.md") == Data("mine".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount.mountPoint).sorted() == ["free.md", "taken.md"])
    }

    /// rclone killed and its mount point unmounted: the path now names the bare folder underneath.
    /// Writing there would put files outside the bucket and stop rclone from mounting again.
    @Test(.enabled(if: RcloneMount.isAvailable, "skipped: needs rclone and /dev/fuse"), .timeLimit(.minutes(2)))
    func aMountThatWentAwayIsNotWrittenUnder() throws {
        let mount = try RcloneMount()
        defer { mount.stop() }
        try mount.start()
        let root = try VaultRoot(mount.mountPoint)
        let top = try root.resolve(relativePath: "note.md")
        let nested = try root.resolve(relativePath: "new folder/note.md")
        let unmount = Process()
        unmount.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        unmount.arguments = ["-u", "-z", mount.mountPoint]
        try unmount.run()
        unmount.waitUntilExit()
        #expect(!root.isPresent)

        for target in [top, nested] {
            #expect { try AtomicFile.write(Array("text".utf8), to: target) } throws: { ($0 as? FileError)?.code == ENOTCONN }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount.mountPoint).isEmpty)
    }
}

/// Makes a folder refuse new entries: mode 0555 for ordinary users; root ignores modes, so for root the
/// folder is made immutable with chattr (ext4 and similar file systems).
enum Unwritable {
    static func make(_ path: String) -> Bool {
        if geteuid() != 0 { return chmod(path, 0o555) == 0 }
        return run("/usr/bin/chattr", ["+i", path])
    }

    static func undo(_ path: String) {
        if geteuid() != 0 { chmod(path, 0o755) } else { _ = run("/usr/bin/chattr", ["-i", path]) }
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
