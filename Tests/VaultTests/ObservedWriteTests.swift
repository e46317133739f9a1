import Foundation
import Index
import Notes
import Testing
@testable import Vault
import Workspace

/// `VaultContext.observe`: the one path by which a note file seen changed enters the index.
@Suite struct ObservedWriteTests {
    let vault: TempVault

    init() throws { vault = try TempVault() }

    /// A context on the temp folder as this device sees it; `onMount` makes it allow for lag.
    func context(device: String = "here", onMount: Bool = false) -> VaultContext {
        VaultContext(root: vault.root, index: vault.index, device: device,
                     fileSystem: onMount ? (type: "fuse.rclone", isFUSE: true, isNetwork: false) : nil)
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: vault.root.path + "/" + relative))
    }

    /// Records `text` as the note's next version by `device`, as another bridge's save would.
    @discardableResult
    func saveInIndex(_ relative: String, _ text: String, device: String) throws -> NoteRecord {
        let bytes = Array(text.utf8), checksum = Checksum.sha256(bytes)
        let current = try vault.index.record(path: relative)
        let write = NoteWrite(path: relative, bytes: bytes, checksum: checksum, parsed: NoteParser.parse(text, path: relative),
                              mtime: Int64(Date().timeIntervalSince1970 * 1e9))
        guard case .won(let record) = try vault.index.save(write, baseVersion: current?.version ?? 0,
                                                           baseChecksum: current?.checksum, device: device) else {
            throw CancellationError()
        }
        return record
    }

    @Test func bytesOfAnOlderVersionOnALaggingMountAreNotRecorded() throws {
        let here = context(onMount: true)
        try saveInIndex("n.md", "one\n", device: "there")
        let newest = try saveInIndex("n.md", "two\n", device: "there")
        try write("n.md", "one\n")   // the mount still shows version 1
        guard case .older(let known, let current) = try here.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) else {
            Issue.record("expected .older")
            return
        }
        #expect(known.version == 1 && current.version == newest.version)
        #expect(try vault.index.record(path: "n.md")?.checksum == newest.checksum)
        #expect(try vault.files() == ["n.md"])
    }

    /// The bucket behind a mount as far as `backs` goes: it holds `held`, nothing waits for upload.
    struct Bucket: RemoteObjects {
        var held: [String: String]
        func holds(path: String, size: Int64, md5: String) throws -> Bool { false }
        func backs(path: String, bytes: [UInt8]) -> Bool { held[path].map { Array($0.utf8) == bytes } ?? true }
    }

    /// rclone served a renamed file from its old name's stale cache mixed with the bucket's bytes:
    /// what no one wrote is not recorded (the mount is asked again later); the bucket's bytes are.
    @Test func bytesTheBucketDoesNotHoldAreNotRecorded() throws {
        let torn = VaultContext(root: vault.root, index: vault.index, device: "here",
                                fileSystem: (type: "fuse.rclone", isFUSE: true, isNetwork: false),
                                remoteObjects: Bucket(held: ["moved.md": "line 1 [a] [b]\nline 2 [c]\n"]))
        try write("moved.md", "line 1 [a]\nline 2 [c]\n[b]\n")
        guard case .unsettled(let unsettled) = try torn.observe(try vault.path("moved.md"), by: .unknown(origin: .watch)) else {
            Issue.record("expected .unsettled")
            return
        }
        #expect(unsettled.reason == .notInBucket)
        #expect(try vault.index.record(path: "moved.md") == nil)
        try write("moved.md", "line 1 [a] [b]\nline 2 [c]\n")
        guard case .recorded = try torn.observe(try vault.path("moved.md"), by: .unknown(origin: .scan)) else {
            Issue.record("expected the bucket's bytes recorded")
            return
        }
    }

    /// The same for a note new to the index that a scan finds (the renamed file is new there).
    @Test func aScanChecksNewFilesOnAMountAgainstTheBucket() throws {
        let torn = VaultContext(root: vault.root, index: vault.index, device: "here",
                                fileSystem: (type: "fuse.rclone", isFUSE: true, isNetwork: false),
                                remoteObjects: Bucket(held: ["moved.md": "line 1 [a] [b]\n"]))
        try write("kept.md", "kept\n")
        #expect(try Indexer.index(vault: torn).added == 1)
        try write("moved.md", "line 1 [a]\n[b]\n")
        let first = try Indexer.index(vault: torn)
        #expect(first.added == 0 && first.unreadable == ["moved.md"])
        #expect(try vault.index.record(path: "moved.md") == nil)
        try write("moved.md", "line 1 [a] [b]\n")
        #expect(try Indexer.index(vault: torn).added == 1)
        #expect(try vault.index.record(path: "moved.md")?.checksum == Checksum.sha256(Array("line 1 [a] [b]\n".utf8)))
    }

    @Test func unknownBytesBecomeTheNewestVersionByCompareAndSwap() throws {
        let here = context()
        try write("n.md", "one\n")
        guard case .recorded(let first, nil) = try here.observe(try vault.path("n.md"), by: .unknown(origin: .scan)) else {
            Issue.record("expected the new note recorded")
            return
        }
        try write("n.md", "one\nand two\n")
        guard case .recorded(let second, nil) = try here.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) else {
            Issue.record("expected the change recorded")
            return
        }
        #expect(second.version == first.version + 1)
        let history = try vault.index.history(path: "n.md")
        #expect(history.map(\.origin) == [.watch, .scan])
        #expect(try vault.index.version(path: "n.md", version: second.version)?.text == "one\nand two\n")
        // The same bytes again are nothing new.
        #expect(try here.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) == .unchanged(second))
    }

    @Test func unsettledBytesAreNeverRecorded() throws {
        let here = context()
        let indexed = try saveInIndex("n.md", "one\n", device: "here")
        try Data([0x6f, 0x6e, 0x00, 0x00, 0x0a]).write(to: URL(fileURLWithPath: vault.root.path + "/n.md"))
        guard case .unsettled = try here.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) else {
            Issue.record("expected .unsettled")
            return
        }
        #expect(try vault.index.record(path: "n.md")?.version == indexed.version)
    }

    @Test func aMissingFileIsDeletedOnlyWhenTheRootAnswers() throws {
        let here = context()
        try write("kept.md", "kept\n")
        _ = try here.observe(try vault.path("kept.md"), by: .unknown(origin: .scan))
        try FileManager.default.removeItem(atPath: vault.root.path)   // the mount is gone: nothing lists
        #expect(try here.observeMissing("kept.md", origin: .scan) == .missing(deleted: false))
        #expect(try vault.index.record(path: "kept.md") != nil)

        try FileManager.default.createDirectory(atPath: vault.root.path, withIntermediateDirectories: true)
        #expect(try here.observeMissing("kept.md", origin: .watch) == .missing(deleted: true))
        #expect(try vault.index.record(path: "kept.md") == nil)
        #expect(try vault.index.history(path: "kept.md").first?.origin == .watch)
    }

    @Test func aWriteOverAVersionThisMountNeverShowedKeepsItFromTheIndex() throws {
        let here = context(onMount: true)
        try write("n.md", "one\n")
        _ = try here.observe(try vault.path("n.md"), by: .unknown(origin: .scan))   // this mount showed "one"
        try saveInIndex("n.md", "two from there\n", device: "there")               // not on this mount yet
        try write("n.md", "one\nwritten here by a program\n")
        guard case .recorded(let record, let replaced?) = try here.observe(try vault.path("n.md"), by: .unknown(origin: .watch)),
              let copy = replaced.copy else {
            Issue.record("expected the write recorded with a conflict copy")
            return
        }
        #expect(record.version == 3 && replaced.version == 2 && replaced.device == "there")
        #expect(try vault.read(copy) == "two from there\n")
        #expect(try vault.read("n.md") == "one\nwritten here by a program\n")
    }

    /// The copy is written before the swap: when it cannot be written (a mount going away under
    /// the observer, here a folder that takes no new file) nothing is recorded, so the replaced
    /// version stays the note's until the write is observed again.
    @Test func aCopyThatCannotBeWrittenLeavesTheWriteUnrecorded() throws {
        let here = context(onMount: true)
        try FileManager.default.createDirectory(atPath: vault.root.path + "/sub", withIntermediateDirectories: true)
        try write("sub/n.md", "one\n")
        _ = try here.observe(try vault.path("sub/n.md"), by: .unknown(origin: .scan))
        let theirs = try saveInIndex("sub/n.md", "two from there\n", device: "there")
        try write("sub/n.md", "one\nwritten here by a program\n")
        guard Folder.refusingNewFiles(vault.root.path + "/sub", true) else { return }  // no chattr here
        defer { _ = Folder.refusingNewFiles(vault.root.path + "/sub", false) }
        #expect(throws: (any Error).self) { try here.observe(try vault.path("sub/n.md"), by: .unknown(origin: .watch)) }
        #expect(try vault.index.record(path: "sub/n.md")?.checksum == theirs.checksum)
        _ = Folder.refusingNewFiles(vault.root.path + "/sub", false)
        guard case .recorded(_, let replaced?) = try here.observe(try vault.path("sub/n.md"), by: .unknown(origin: .watch)),
              let copy = replaced.copy else {
            Issue.record("expected the write recorded with a conflict copy")
            return
        }
        #expect(try vault.read(copy) == "two from there\n")
    }

    @Test func anEditorWriteOverItsOwnBaseOrAnEmptyVersionKeepsNoCopy() throws {
        let here = context(onMount: true)
        let empty = try saveInIndex("new.md", "", device: "there")  // e.g. an empty note another client created
        try write("new.md", "# New\n")
        guard case .recorded(_, nil) = try here.observe(try vault.path("new.md"), by: .editor(saw: [])) else {
            Issue.record("an empty version is never kept as a copy")
            return
        }
        _ = empty
        let base = try saveInIndex("n.md", "base\n", device: "there")
        try write("n.md", "base\nedited\n")
        guard case .recorded(_, nil) = try here.observe(try vault.path("n.md"), by: .editor(saw: [base.checksum])) else {
            Issue.record("the buffer's own base is not replaced")
            return
        }
        #expect(try vault.files() == ["n.md", "new.md"])
    }
}

/// A folder that takes no new file: mode 0555, or for root (whom modes do not stop) the immutable
/// attribute; false when neither is possible.
enum Folder {
    static func refusingNewFiles(_ path: String, _ refusing: Bool) -> Bool {
        if geteuid() != 0 { return chmod(path, refusing ? 0o555 : 0o755) == 0 }
        let chattr = Process()
        chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        chattr.arguments = [refusing ? "+i" : "-i", path]
        guard (try? chattr.run()) != nil else { return false }
        chattr.waitUntilExit()
        return chattr.terminationStatus == 0
    }
}
