import Foundation
import Index
import Notes
import Testing
@testable import Vault
import Workspace

/// A notes folder in a temp directory with a SQLite index beside it (not inside it).
struct TempVault {
    let directory: URL
    let root: VaultRoot
    let index: NoteIndex

    init(directory: URL, root: VaultRoot, index: NoteIndex) {
        self.directory = directory
        self.root = root
        self.index = index
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("notes"), withIntermediateDirectories: true)
        root = try VaultRoot(directory.appendingPathComponent("notes").path)
        index = try NoteIndex(executor: try SQLiteExecutor(path: directory.appendingPathComponent("index.sqlite").path))
    }

    func coordinator(device: String) -> SaveCoordinator {
        SaveCoordinator(root: root, index: index, device: device, freshness: MountFreshness(), ownWrites: OwnWrites())
    }

    func path(_ relative: String) throws -> ResolvedPath { try root.resolve(relativePath: relative) }

    func read(_ relative: String) throws -> String { try String(contentsOfFile: root.path + "/" + relative, encoding: .utf8) }

    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() }

    func input(_ relative: String, _ text: String, base: BaseState?, force: Bool = false) throws -> SaveInput {
        SaveInput(path: try path(relative), text: text, baseVersion: base?.version ?? 0, baseChecksum: base?.checksum,
                  baseText: base?.text, force: force)
    }
}

func deadline() -> Date { Date().addingTimeInterval(5) }

@Test func newNoteIsCreatedThenSavedFromItsBase() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    let created = try saver.save(try vault.input("n.md", "one\n", base: nil), deadline: deadline())
    #expect(created.status == .saved)
    #expect(created.record.version == 1)
    #expect(try vault.read("n.md") == "one\n")

    let base = BaseState(version: created.record.version, checksum: created.record.checksum, text: "one\n")
    let second = try saver.save(try vault.input("n.md", "one\ntwo\n", base: base), deadline: deadline())
    #expect(second.status == .saved)
    #expect(second.record.version == 2)
    #expect(try vault.read("n.md") == "one\ntwo\n")
    #expect(try vault.files() == ["n.md"])  // no temp files left behind

    let again = try saver.save(try vault.input("n.md", "one\ntwo\n", base: BaseState(version: 2, checksum: second.record.checksum,
                                                                                     text: "one\ntwo\n")), deadline: deadline())
    #expect(again.status == .unchanged)
    #expect(again.record.version == 2)
}

/// Device "a" creates n.md with `original`, then saves `theirs` on it; device `loser` then saves
/// `mine`, also based on `original`, and loses the race. Returns the vault and the loser's save.
func losingSave(original: String, theirs: String, mine: String, loser: String) throws -> (TempVault, SaveOutput) {
    let vault = try TempVault()
    let a = vault.coordinator(device: "a")
    let first = try a.save(try vault.input("n.md", original, base: nil), deadline: deadline())
    let base = BaseState(version: first.record.version, checksum: first.record.checksum, text: original)
    #expect(try a.save(try vault.input("n.md", theirs, base: base), deadline: deadline()).status == .saved)
    let lost = try vault.coordinator(device: loser).save(try vault.input("n.md", mine, base: base), deadline: deadline())
    return (vault, lost)
}

@Test func losingSaveWithDisjointEditsIsMerged() throws {
    let (vault, merged) = try losingSave(original: "1\n2\n3\n4\n", theirs: "one\n2\n3\n4\n", mine: "1\n2\n3\nfour\n", loser: "b")
    #expect(merged.status == .merged)
    #expect(merged.text == "one\n2\n3\nfour\n")
    #expect(try vault.read("n.md") == "one\n2\n3\nfour\n")
    #expect(merged.record.version == 3)
    #expect(merged.record.updatedBy == "b")
}

@Test func losingSaveOnTheSameLinesKeepsBothTexts() throws {
    let (vault, lost) = try losingSave(original: "title\nbody\n", theirs: "title\ntheirs\n", mine: "title\nmine\n", loser: "laptop b")
    #expect(lost.status == .conflict)
    #expect(try vault.read("n.md") == "title\ntheirs\n")
    let conflict = try #require(lost.conflict)
    #expect(conflict.copyPath.hasPrefix("n.conflict-laptop-b-"))
    #expect(try vault.read(conflict.copyPath) == "title\nmine\n")
    #expect(conflict.hunks.count == 1)
    #expect(conflict.hunks.first?.ours == "mine\n")
    #expect(conflict.hunks.first?.theirs == "theirs\n")
    #expect(conflict.markedText.contains("mine") && conflict.markedText.contains("theirs"))
    // The conflict copy is not a note of its own.
    #expect(try vault.index.record(path: conflict.copyPath) == nil)
}

@Test func writerBypassingTheIndexIsNotOverwritten() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    let first = try saver.save(try vault.input("n.md", "a\nb\n", base: nil), deadline: deadline())
    let base = BaseState(version: first.record.version, checksum: first.record.checksum, text: "a\nb\n")
    try "a\nb\nc from a script\n".write(toFile: vault.root.path + "/n.md", atomically: true, encoding: .utf8)

    let result = try saver.save(try vault.input("n.md", "zero\na\nb\n", base: base), deadline: deadline())
    #expect(result.status == .merged)
    #expect(try vault.read("n.md") == "zero\na\nb\nc from a script\n")
    #expect(result.record.version == 3)  // the script's version was recorded first
}

@Test func forceOverwritesAndRecordsTheSave() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    _ = try saver.save(try vault.input("n.md", "x\n", base: nil), deadline: deadline())
    let forced = try saver.save(try vault.input("n.md", "y\n", base: BaseState(version: 7, checksum: "stale", text: ""), force: true),
                                deadline: deadline())
    #expect(forced.status == .saved)
    #expect(try vault.read("n.md") == "y\n")
}

@Test func unwritableTargetFailsAndChangesNothing() throws {
    let vault = try TempVault()
    let saver = vault.coordinator(device: "a")
    try "not a folder".write(toFile: vault.root.path + "/blocked", atomically: true, encoding: .utf8)
    #expect(throws: (any Error).self) {
        try saver.save(try vault.input("blocked/n.md", "text\n", base: nil), deadline: deadline())
    }
    #expect(try vault.index.record(path: "blocked/n.md") == nil)
    #expect(try vault.files() == ["blocked"])
}

@Test func ownWritesAreConsumedOnce() {
    let own = OwnWrites()
    own.insert(path: "a.md", checksum: "c1")
    #expect(own.consume(path: "a.md", checksum: "c1"))
    #expect(!own.consume(path: "a.md", checksum: "c1"))
    #expect(!own.consume(path: "a.md", checksum: nil))
}
