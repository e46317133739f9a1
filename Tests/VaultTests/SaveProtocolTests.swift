import Foundation
import Index
import Notes
import Support
import Testing
@testable import Vault
import Workspace

/// The SQLite index with hooks that run once, just before the next transaction (a save's swap) or
/// just after the next single statement (a read): the places where another program's write, a
/// vanished mount or a concurrent observer lands in these tests.
final class HookedExecutor: SQLExecutor, @unchecked Sendable {
    let inner: SQLiteExecutor
    private let hook = Locked<(() -> Void)?>(nil)
    private let readHook = Locked<(() -> Void)?>(nil)

    init(path: String) throws { inner = try SQLiteExecutor(path: path) }

    func beforeNextTransaction(_ body: @escaping () -> Void) { hook.withLock { $0 = body } }
    func afterNextStatement(_ body: @escaping () -> Void) { readHook.withLock { $0 = body } }

    func execute(_ statement: SQLStatement) throws(SQLError) -> SQLRows {
        let rows = try inner.execute(statement)
        Self.takeOnce(readHook)?()
        return rows
    }
    func transaction(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows] {
        Self.takeOnce(hook)?()
        return try inner.transaction(statements)
    }
    private static func takeOnce(_ hook: Locked<(() -> Void)?>) -> (() -> Void)? {
        hook.withLock { hook in
            defer { hook = nil }
            return hook
        }
    }
    func executeMany(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows] { try inner.executeMany(statements) }
    var location: String { inner.location }
}

struct HookedVault {
    let vault: TempVault
    let executor: HookedExecutor

    init() throws {
        let plain = try TempVault()
        executor = try HookedExecutor(path: plain.directory.appendingPathComponent("hooked.sqlite").path)
        vault = TempVault(directory: plain.directory, root: plain.root, index: try NoteIndex(executor: executor))
    }
}

private func write(_ text: String, _ vault: TempVault, _ relative: String) {
    FileManager.default.createFile(atPath: vault.root.path + "/" + relative, contents: Data(text.utf8))
}

private func base(of output: SaveOutput) -> BaseState {
    BaseState(version: output.record.version, checksum: output.record.checksum, text: output.text)
}

/// A version that reaches the index but not this folder (another device's save on a lagging mount,
/// or a swap whose rename never happened).
@discardableResult
private func indexOnly(_ text: String, over record: NoteRecord, _ vault: TempVault, device: String = "elsewhere") throws -> SaveOutcome {
    let bytes = Array(text.utf8)
    return try vault.index.save(NoteWrite(path: record.path, bytes: bytes, checksum: Checksum.sha256(bytes),
                                          parsed: NoteParser.parse(text, path: record.path), mtime: 1),
                                baseVersion: record.version, baseChecksum: record.checksum, device: device)
}

/// A save naming only its base version (a script) merges with that version's text from the index.
@Test func baseTextComesFromTheIndex() throws {
    let vault = try TempVault()
    let a = vault.coordinator(device: "a")
    let first = try a.save(try vault.input("n.md", "1\n2\n3\n4\n", base: nil), deadline: deadline())
    _ = try a.save(try vault.input("n.md", "one\n2\n3\n4\n", base: base(of: first)), deadline: deadline())
    let script = SaveInput(path: try vault.path("n.md"), text: "1\n2\n3\nfour\n", baseVersion: first.record.version, force: false)
    let merged = try vault.coordinator(device: "b").save(script, deadline: deadline())
    #expect(merged.status == .merged)
    #expect(try vault.read("n.md") == "one\n2\n3\nfour\n")
}

/// A lost swap takes theirs from the index: a file that does not show the newer version yet (a
/// lagging mount) is neither waited for nor merged into.
@Test func lostSwapMergesWithTheIndexTextWithoutTheMount() throws {
    let vault = try TempVault()
    let a = vault.coordinator(device: "a")
    let first = try a.save(try vault.input("n.md", "1\n2\n3\n4\n", base: nil), deadline: deadline())
    // Another device's version reaches the index; its bytes never reach this folder.
    try indexOnly("one\n2\n3\n4\n", over: first.record, vault)
    let started = Date()
    let merged = try a.save(try vault.input("n.md", "1\n2\n3\nfour\n", base: base(of: first)),
                            deadline: Date().addingTimeInterval(30))
    #expect(Date().timeIntervalSince(started) < 10)  // generous: no waiting for the file to show the newer version
    #expect(merged.status == .merged)
    #expect(merged.record.version == 3)
    #expect(try vault.read("n.md") == "one\n2\n3\nfour\n")
}

/// Bytes another program wrote before the save are recorded as their own version and merged.
@Test func outsideWriteBeforeASaveIsRecordedAndMerged() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\nb\nc\n", base: nil), deadline: deadline())
    write("a\nb\nc\nd by a script\n", vault, "n.md")
    let result = try saver.save(try vault.input("n.md", "zero\na\nb\nc\n", base: base(of: first)), deadline: deadline())
    #expect(result.status == .merged)
    #expect(try vault.read("n.md") == "zero\na\nb\nc\nd by a script\n")
    let history = try vault.index.history(path: "n.md")
    #expect(history.map(\.origin) == [.merge, .scan, .save])
    #expect(try vault.index.version(path: "n.md", version: 2)?.text == "a\nb\nc\nd by a script\n")
}

/// Bytes another program writes while the save's swap is under way are kept beside the note.
@Test func outsideWriteDuringASaveIsKeptAsACopy() throws {
    let hooked = try HookedVault()
    let vault = hooked.vault
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    hooked.executor.beforeNextTransaction { write("a\nwritten outside\n", vault, "n.md") }
    let result = try saver.save(try vault.input("n.md", "a\nours\n", base: base(of: first)), deadline: deadline())
    #expect(result.status == .saved)
    #expect(try vault.read("n.md") == "a\nours\n")
    let copy = try #require(result.outsideWriteCopy)
    #expect(copy.hasPrefix("n.conflict-outside-"))
    #expect(try vault.read(copy) == "a\nwritten outside\n")
}

/// A rename that fails after a won swap leaves the note in the index (never `remove`), and the
/// readable file's bytes become the newest version again; ours stays in the history.
@Test func failedRenameAfterAWonSwapKeepsTheNote() throws {
    let hooked = try HookedVault()
    let vault = hooked.vault
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    let target = vault.root.path + "/n.md"
    hooked.executor.beforeNextTransaction {
        // The rename cannot put a file over a folder.
        unlink(target)
        mkdir(target, 0o755)
    }
    #expect(throws: (any Error).self) {
        try saver.save(try vault.input("n.md", "a\nours\n", base: base(of: first)), deadline: deadline())
    }
    let record = try #require(try vault.index.record(path: "n.md"))
    #expect(record.version == 2)
    #expect(try vault.index.version(path: "n.md", version: 2)?.text == "a\nours\n")
    #expect(try vault.files() == ["n.md"])  // no temporary file left
}

/// A rename that fails over a readable file puts the file's bytes back as the newest version.
@Test func failedRenameOverAReadableFileRealignsTheIndex() throws {
    let hooked = try HookedVault()
    let vault = hooked.vault
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    hooked.executor.beforeNextTransaction {
        // The save's temporary file vanishes (its folder went away and came back, say): the rename fails.
        for name in (try? vault.files()) ?? [] where name.contains(".nb-tmp-") { unlink(vault.root.path + "/" + name) }
    }
    #expect(throws: (any Error).self) {
        try saver.save(try vault.input("n.md", "a\nours\n", base: base(of: first)), deadline: deadline())
    }
    let record = try #require(try vault.index.record(path: "n.md"))
    #expect(record.checksum == first.record.checksum)  // the file's bytes again…
    #expect(record.version == 3)
    #expect(try vault.index.version(path: "n.md", version: 2)?.text == "a\nours\n")  // …ours in the history
    #expect(try vault.read("n.md") == "a\n")
}

/// Temporary files left by a killed save: the one holding the index's current version the note
/// lacks is renamed into place; any other is removed.
@Test func leftoverTemporariesAreAdoptedOrRemoved() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    _ = try saver.save(try vault.input("m.md", "m\n", base: nil), deadline: deadline())
    // Killed between the swap and the rename: the index has v2, the file still v1.
    try indexOnly("a\nnewer\n", over: first.record, vault, device: "a")
    write("a\nnewer\n", vault, ".n.md.nb-tmp-0000000a")
    write("lost\n", vault, ".m.md.nb-tmp-0000000b")
    write("young\n", vault, ".m.md.nb-tmp-0000000c")
    let later = Date().addingTimeInterval(60)
    let outcome = LeftoverTemporaries.clean(vault.root, index: vault.index, minimumAge: 30, now: later)
    #expect(outcome.adopted == [".n.md.nb-tmp-0000000a"])
    #expect(Set(outcome.removed) == [".m.md.nb-tmp-0000000b", ".m.md.nb-tmp-0000000c"])
    #expect(try vault.read("n.md") == "a\nnewer\n")
    #expect(try vault.files() == ["m.md", "n.md"])
    // Younger than the minimum age: left alone (a save under way elsewhere).
    write("busy\n", vault, ".m.md.nb-tmp-0000000d")
    #expect(LeftoverTemporaries.clean(vault.root, index: vault.index, minimumAge: 30).removed.isEmpty)
    #expect(try vault.files().contains(".m.md.nb-tmp-0000000d"))
}

/// The 5-bridge local soak's loss: an outside rename took the note away just before a save's
/// rename put it back; another bridge's watcher, finding no file in between, deleted the saved
/// version, and the next save overwrote the text renamed in as a stale file. A version a bridge
/// saved is not taken as deleted within a save's lifetime; one an observer recorded (its file was
/// there) is, at once.
@Test func aFileMissingBetweenASavesSwapAndItsRenameIsNotADeletion() throws {
    let vault = try TempVault()
    let b = VaultContext(root: vault.root, index: vault.index, device: "b")
    let first = try vault.coordinator(device: "a").save(try vault.input("n.md", "one\n", base: nil), deadline: deadline())
    guard case .won(let saved) = try indexOnly("one\ntwo\n", over: first.record, vault, device: "a") else {
        Issue.record("the index refused the swap")
        return
    }
    #expect(rename(vault.root.path + "/n.md", vault.root.path + "/moved.md") == 0)
    #expect(try b.observeMissing("n.md", origin: .watch) == .missing(deleted: false))
    #expect(try vault.index.record(path: "n.md")?.version == saved.version)
    write("one\ntwo\n", vault, "n.md")  // the save's rename
    let current = try #require(try vault.index.record(path: "n.md"))
    #expect(try b.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) == .unchanged(current))

    write("one\ntwo\nthree\n", vault, "n.md")
    guard case .recorded = try b.observe(try vault.path("n.md"), by: .unknown(origin: .watch)) else {
        Issue.record("the outside write was not recorded")
        return
    }
    #expect(unlink(vault.root.path + "/n.md") == 0)
    #expect(try b.observeMissing("n.md", origin: .watch) == .missing(deleted: true))
    #expect(try vault.index.record(path: "n.md") == nil)
}

/// A bridge restarted after a kill -9 removes its dead predecessor's temporary file at once; one of
/// a live process (a save that may still rename it) stays until it is old.
@Test func aTemporaryFileOfAProcessThatIsGoneIsRemovedAtOnce() throws {
    let vault = try TempVault()
    _ = try vault.coordinator(device: "a").save(try vault.input("m.md", "m\n", base: nil), deadline: deadline())
    let finished = Process()
    finished.executableURL = URL(fileURLWithPath: "/bin/true")
    try finished.run()
    finished.waitUntilExit()
    let machine = TemporaryOwner.current.split(separator: "-")[0]
    let dead = ".m.md.nb-tmp-\(machine)-\(finished.processIdentifier)-0000000e"
    let live = ".m.md.nb-tmp-\(TemporaryOwner.current)-0000000f"
    let elsewhere = ".m.md.nb-tmp-0123abcdn1-\(finished.processIdentifier)-00000010"
    for name in [dead, live, elsewhere] { write("left\n", vault, name) }
    #expect(TemporaryOwner.writerIsGone(dead) && !TemporaryOwner.writerIsGone(live) && !TemporaryOwner.writerIsGone(elsewhere))
    #expect(LeftoverTemporaries.clean(vault.root, index: vault.index, minimumAge: 30).removed == [dead])
    #expect(try vault.files() == [live, elsewhere, "m.md"].sorted())
}

/// A temporary file that turns up after start-up (an rclone that came back uploads the ones still in
/// its cache, after the save stopped trying to remove them) goes at the next scan once it is older
/// than a save's lifetime, whoever wrote it; a young one of a live save stays.
@Test func aScanRemovesATemporaryFileThatTurnedUpAfterStartUp() throws {
    let vault = try TempVault()
    let context = VaultContext(root: vault.root, index: vault.index, device: "a", settings: Settings(saveTimeout: 5))
    _ = try context.saver.save(try vault.input("m.md", "m\n", base: nil), deadline: deadline())
    let returned = ".m.md.nb-tmp-\(TemporaryOwner.current)-00000011"
    let young = ".m.md.nb-tmp-\(TemporaryOwner.current)-00000012"
    for name in [returned, young] { write("left\n", vault, name) }
    var old = [timeval(tv_sec: time(nil) - 60, tv_usec: 0), timeval(tv_sec: time(nil) - 60, tv_usec: 0)]
    #expect(utimes(vault.root.path + "/" + returned, &old) == 0)
    _ = try Indexer.index(vault: context)
    #expect(try vault.files() == [young, "m.md"].sorted())
}

/// notes/open serves the index's current version when the file shows an older one, and records
/// bytes the index never saw by compare-and-swap.
@Test func openServesTheIndexWhileTheFileLags() throws {
    let vault = try TempVault()
    let context = VaultContext(root: vault.root, index: vault.index, device: "a")
    let first = try context.saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    try indexOnly("a\nb\n", over: first.record, vault, device: "b")
    let lagging = try context.openNote(try vault.path("n.md"))
    #expect(lagging.source == .index)
    #expect(lagging.base == BaseState(version: 2, checksum: Checksum.sha256(Array("a\nb\n".utf8)), text: "a\nb\n"))
    // An editor buffer read the file itself: its base is the version the file shows.
    #expect(try context.currentBase(try vault.path("n.md")).version == 1)

    write("a\nb\nc outside\n", vault, "n.md")
    let outside = try context.openNote(try vault.path("n.md"))
    #expect(outside.source == .mount)
    #expect(outside.base.version == 3)
    #expect(try vault.index.history(path: "n.md").first?.origin == .open)
}

/// An editor opens a file another program has just written while this bridge's watcher records it:
/// the open read the index before the watcher's swap and the version table after it. The buffer's
/// base is that recorded version (not "no note"), so saving the buffer over the unchanged file is a
/// plain save, never a conflict with the file's own text.
@Test func openingAFileWhileTheWatcherRecordsItBasesTheBufferOnTheRecordedVersion() throws {
    let hooked = try HookedVault()
    let vault = hooked.vault
    let context = VaultContext(root: vault.root, index: vault.index, device: "a")
    let written = "---\ntitle: Doc\n---\n\n# Doc\n"
    write(written, vault, "n.md")
    let path = try vault.path("n.md")
    // Right after the open's first index read (the note's record: none yet), inotify's observer records the file.
    hooked.executor.afterNextStatement { _ = try? context.observe(path, by: .unknown(origin: .watch)) }

    let base = try context.currentBase(path)
    #expect(base == BaseState(version: 1, checksum: Checksum.sha256(Array(written.utf8)), text: written))

    let edited = written + "- [edit] typed in the editor\n"
    let document = OpenDocument(uri: "file://" + path.absolute, path: "n.md", text: edited, lspVersion: 2, base: base)
    let saved = try context.save(SaveRequest(path: path, text: edited, force: false, baseVersion: nil, baseChecksum: nil),
                                 document: document)
    #expect(saved.status == .saved)
    #expect(saved.record.version == 2)
    #expect(try vault.read("n.md") == edited)
    #expect(try vault.files() == ["n.md"])  // no conflict copy
}

/// The index took our swap but the rename never happened (an answer lost after commit): saving the
/// same text again is `unchanged` and puts it in the file.
@Test func savingTextTheIndexHoldsPutsItInTheFile() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\n", base: nil), deadline: deadline())
    try indexOnly("a\nedited\n", over: first.record, vault, device: "a")
    let again = try saver.save(try vault.input("n.md", "a\nedited\n", base: base(of: first)), deadline: deadline())
    #expect(again.status == .unchanged)
    #expect(again.record.version == 2)
    #expect(try vault.read("n.md") == "a\nedited\n")
    #expect(try vault.files() == ["n.md"])
}

/// The mount soak's loss through a save: the file shows another writer's text made from the
/// version before the newest (it never saw the newest); a save that finds it records it as
/// "theirs" and merges — and the newest version, whose change that text lacks, is kept as a copy.
@Test func aSaveFindingAnOutsideWriteKeepsTheVersionItsWriterNeverSaw() throws {
    let vault = try TempVault()
    let a = VaultContext(root: vault.root, index: vault.index, device: "a")
    let b = VaultContext(root: vault.root, index: vault.index, device: "b")
    let parent = "title\none\ntwo\nthree\n"
    let path = try vault.path("n.md")
    let first = try a.save(SaveRequest(path: path, text: parent, force: false, baseVersion: 0, baseChecksum: nil), document: nil)
    _ = try b.save(SaveRequest(path: path, text: "title\nONE by b\ntwo\nthree\n", force: false,
                               baseVersion: first.record.version, baseChecksum: first.record.checksum), document: nil)
    write(parent + "x written from the parent\n", vault, "n.md")

    let output = try a.save(SaveRequest(path: path, text: "title\none\nTWO by a\nthree\n", force: false,
                                        baseVersion: first.record.version, baseChecksum: first.record.checksum), document: nil)
    #expect(output.status == .merged)
    #expect(output.text == "title\none\nTWO by a\nthree\nx written from the parent\n")
    let copies = try vault.files().filter { $0.hasPrefix("n.conflict-b-") }
    #expect(copies.count == 1)
    #expect(try copies.map { try vault.read($0) } == ["title\nONE by b\ntwo\nthree\n"])
}
