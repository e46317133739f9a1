import Foundation
import Testing
@testable import Workspace

@Suite struct ConflictCopyTests {
    private let date = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02 03:04:05 UTC

    @Test func nameCarriesDeviceAndUTCTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "projects/My Note.md")
        let copy = ConflictCopy.path(for: target, device: "laptop", at: date, in: root)
        #expect(copy.relative == "projects/My Note.conflict-laptop-20260102T030405Z.md")
        #expect(copy.absolute == directory.path + "/projects/My Note.conflict-laptop-20260102T030405Z.md")
        let top = ConflictCopy.path(for: try root.resolve(relativePath: "top.md"), device: "pc", at: date, in: root)
        #expect(top.relative == "top.conflict-pc-20260102T030405Z.md")
    }

    @Test func deviceIsSanitised() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "n.md")
        #expect(ConflictCopy.path(for: target, device: "my pc/../ü x", at: date, in: root).relative
            == "n.conflict-my-pc-..---x-20260102T030405Z.md")
        #expect(ConflictCopy.path(for: target, device: "", at: date, in: root).relative == "n.conflict-device-20260102T030405Z.md")
        let long = ConflictCopy.path(for: target, device: String(repeating: "d", count: 500), at: date, in: root)
        #expect(long.relative.utf8.count < 120)
    }

    @Test func takenNamesGetACounter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "n.md")
        let first = ConflictCopy.path(for: target, device: "pc", at: date, in: root)
        try directory.write(first.relative, "one")
        let second = ConflictCopy.path(for: target, device: "pc", at: date, in: root)
        #expect(second.relative == "n.conflict-pc-20260102T030405Z-2.md")
        try directory.write(second.relative, "two")
        #expect(ConflictCopy.path(for: target, device: "pc", at: date, in: root).relative == "n.conflict-pc-20260102T030405Z-3.md")
    }

    @Test func anExistingCopyWithTheSameBytesIsFound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "projects/n.md")
        try directory.write("projects/n.conflict-pc-20260102T030405Z.md", "their text")
        try directory.write("projects/other.conflict-pc-20260102T030405Z.md", "kept text")
        #expect(ConflictCopy.existing(of: target, holding: Array("their text".utf8), in: root)?.relative
            == "projects/n.conflict-pc-20260102T030405Z.md")
        #expect(ConflictCopy.existing(of: target, holding: Array("their tex".utf8), in: root) == nil)
        #expect(ConflictCopy.existing(of: target, holding: Array("kept text".utf8), in: root) == nil)
    }

    @Test func writingACopyTakesTheNextName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "n.md")
        try directory.write("n.conflict-pc-20260102T030405Z.md", "an earlier copy")
        let mine = try ConflictCopy.write(Array("mine".utf8), for: target, device: "pc", at: date, in: root)
        #expect(mine.relative == "n.conflict-pc-20260102T030405Z-2.md")
        #expect(directory.read("n.conflict-pc-20260102T030405Z.md") == "an earlier copy")
        #expect(directory.read(mine.relative) == "mine")
    }

    /// Two bridges keeping one replaced version keep one file (the CI run where each wrote its own).
    @Test func keepingAVersionTwiceKeepsOneFileNamedAfterTheVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let target = try root.resolve(relativePath: "projects/n.md")
        let first = try ConflictCopy.keep(Array("theirs".utf8), version: 7, of: target, device: "pc", at: date, in: root)
        #expect(first.path.relative == "projects/n.conflict-pc-20260102T030405Z-v7.md")
        #expect(first.created)
        let again = try ConflictCopy.keep(Array("theirs".utf8), version: 7, of: target, device: "pc", at: date, in: root)
        #expect(again.path == first.path)
        #expect(!again.created)
        // A file cut short under the name is left alone: the version goes next to it.
        try directory.write("projects/n.conflict-pc-20260102T030405Z-v8.md", "the")
        let cut = try ConflictCopy.keep(Array("theirs".utf8), version: 8, of: target, device: "pc", at: date, in: root)
        #expect(cut.path.relative == "projects/n.conflict-pc-20260102T030405Z-v8-2.md")
        #expect(directory.read("projects/n.conflict-pc-20260102T030405Z-v8.md") == "the")
        #expect(directory.read(cut.path.relative) == "theirs")
    }
}
