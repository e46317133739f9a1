import Foundation
import Testing
@testable import Index
import Vault
import Workspace

@Suite struct IndexerTests {
    static func vault() throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        for number in 0..<30 {
            try folder.write("folder\(number % 3)/note \(number).md",
                             Fixture.note(title: "Note \(number)", tags: ["t\(number % 4)"],
                                          body: "- [fact] number \(number) #n\(number)\n- follows [[Note \(number + 1)]]"))
        }
        try folder.write(".obsidian/workspace.md", "hidden")
        try folder.write("folder0/note 1.conflict-laptop-20250101T000000Z.md", "conflict copy")
        try folder.write("folder0/.note 1.md.nb-tmp-123", "temporary")
        try folder.write("folder0/picture.png", "not a note")
        return folder
    }

    @Test(arguments: Backends.all)
    func indexesOnlyNotesAndThenNothingWhenUnchanged(backend: Backend) throws {
        let folder = try Self.vault()
        let index = try NoteIndex(executor: backend.fresh())
        let reports = Reports()
        let first = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", chunkSize: 7) { reports.add($0, $1) }
        #expect(first.added == 30)
        #expect(first.updated == 0 && first.removed == 0 && first.unchanged == 0)
        #expect(reports.last.map { $0 == (30, 30) } == true)
        #expect(try index.count("notes") == 30)
        #expect(try index.backlinks(to: "folder2/note 5.md").map(\.sourcePath) == ["folder1/note 4.md"])
        let changes = try index.latestChangeSeq()

        let second = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", progress: nil)
        #expect(second.unchanged == 30)
        #expect(second.added + second.updated + second.removed == 0)
        #expect(try index.latestChangeSeq() == changes)
    }

    @Test(arguments: Backends.all)
    func picksUpAddModifyDeleteRenameAndTouch(backend: Backend) throws {
        let folder = try Self.vault()
        let index = try NoteIndex(executor: backend.fresh())
        _ = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", progress: nil)
        let touchedBefore = try #require(try index.record(path: "folder1/note 1.md"))

        try folder.write("new/fresh.md", Fixture.note(title: "Fresh", body: "brand new"))
        try folder.write("folder2/note 2.md", Fixture.note(title: "Rewritten", body: "changed text"))
        try folder.remove("folder0/note 3.md")
        try folder.move("folder1/note 4.md", to: "folder1/renamed.md")
        try folder.setModified("folder1/note 1.md", to: 1_700_000_000)

        let stats = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", progress: nil)
        #expect(stats.added == 2)      // fresh.md, renamed.md
        #expect(stats.updated == 1)    // note 2
        #expect(stats.removed == 2)    // note 3, note 4
        #expect(stats.unchanged == 27) // 26 untouched + the touched one (same checksum)
        #expect(try index.record(path: "folder2/note 2.md")?.version == 2)
        #expect(try index.record(path: "folder2/note 2.md")?.title == "Rewritten")
        #expect(try index.record(path: "folder0/note 3.md") == nil)
        #expect(try index.record(path: "folder1/renamed.md")?.title == "Note 4")
        let touched = try #require(try index.record(path: "folder1/note 1.md"))
        #expect(touched.version == touchedBefore.version)
        #expect(touched.mtime == 1_700_000_000 * 1_000_000_000)
        let ops = try index.changes(after: 30, limit: 10).map { "\($0.op.rawValue) \($0.path)" }
        #expect(Set(ops) == ["created new/fresh.md", "created folder1/renamed.md", "changed folder2/note 2.md",
                             "deleted folder0/note 3.md", "deleted folder1/note 4.md"])
        #expect(try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", progress: nil).unchanged == 30)
    }

    @Test(arguments: Backends.all)
    func indexFileHandlesOneFile(backend: Backend) throws {
        let folder = try Self.vault()
        let index = try NoteIndex(executor: backend.fresh())
        guard case .indexed(let record) = try Indexer.indexFile(root: VaultRoot(folder.path), path: "folder0/note 0.md", into: index, device: "d") else {
            Issue.record("a new file is indexed")
            return
        }
        #expect(record.version == 1)
        #expect(try Indexer.indexFile(root: VaultRoot(folder.path), path: "folder0/note 0.md", into: index, device: "d") == .unchanged(record))
        try folder.remove("folder0/note 0.md")
        #expect(try Indexer.indexFile(root: VaultRoot(folder.path), path: "folder0/note 0.md", into: index, device: "d") == .removed)
        #expect(try Indexer.indexFile(root: VaultRoot(folder.path), path: "folder0/picture.png", into: index, device: "d") == .ignored)
        #expect(try Indexer.indexFile(root: VaultRoot(folder.path), path: "nothing/here.md", into: index, device: "d") == .ignored)
        #expect(throws: IndexingError.path(.parentTraversal("../outside.md"))) {
            _ = try Indexer.indexFile(root: VaultRoot(folder.path), path: "../outside.md", into: index, device: "d")
        }
    }

    @Test(arguments: Backends.all)
    func neverWritesToTheNotes(backend: Backend) throws {
        let folder = try Self.vault()
        try folder.write("bare.md", "no frontmatter at all\n")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/folder0")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/bare.md"))
        _ = try Indexer.index(root: VaultRoot(folder.path), into: NoteIndex(executor: backend.fresh()), device: "d", progress: nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/bare.md")) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/folder0") == before)
    }

    @Test(arguments: Backends.all)
    func twoIndexersOnOneDatabaseAtOnce(backend: Backend) async throws {
        let folder = TemporaryFolder()
        for number in 0..<400 {
            try folder.write("f\(number % 10)/n\(number).md", Fixture.note(title: "N\(number)", body: "[[N\(number + 1)]] text \(number)"))
        }
        let name = Backend.uniqueName()
        let indexes = try (0..<2).map { _ in try NoteIndex(executor: backend.make(name)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in indexes {
                group.addTask { _ = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", chunkSize: 25, progress: nil) }
            }
            try await group.waitForAll()
        }
        let index = indexes[0]
        #expect(try index.executor.execute(SQLStatement("PRAGMA integrity_check")).rows == [[.text("ok")]])
        #expect(try index.count("notes") == 400)
        #expect(try index.count("notes_fts") == 400)
        #expect(try index.count("links") == 400)
        #expect(try index.count("tags") == 0)
        // Whoever came second found the same content: no second version, no second change.
        #expect(try index.count("changes") == 400)
        #expect(try index.executor.execute(SQLStatement("SELECT max(version) FROM notes")).rows == [[.integer(1)]])
        #expect(try index.search(SearchRequest(text: "text 123")).hits.map(\.path) == ["f3/n123.md"])
        #expect(try index.executor.execute(SQLStatement("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")).rowsAffected >= 0)
    }
}

/// Progress reports collected from the indexer's threads.
final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { lock.withLock { reports.append((done, total)) } }
    var last: (Int, Int)? { lock.withLock { reports.last } }
}

@Suite struct MountLagTests {
    /// On a lagging mount an older file is the mount behind the index, and a recently recorded
    /// note that is not listed yet has not reached this mount: neither is a change.
    @Test func aLaggingMountChangesNothing() throws {
        let folder = try IndexerTests.vault()
        let index = try NoteIndex(executor: Backend.sqlite.fresh())
        let root = try VaultRoot(folder.path)
        _ = try Indexer.index(root: root, into: index, device: "d", progress: nil)
        let before = try #require(try index.record(path: "folder2/note 2.md"))

        try folder.write("folder2/note 2.md", "an older text the mount still shows")
        try folder.setModified("folder2/note 2.md", to: 1_600_000_000)  // older than the index's record
        try folder.remove("folder0/note 3.md")                           // written just now, not listed yet

        let lagging = try Indexer.index(root: root, into: index, device: "d", mountLag: MountLag(), progress: nil)
        #expect(lagging.lagging == 2)
        #expect(lagging.updated == 0 && lagging.removed == 0)
        #expect(try index.record(path: "folder2/note 2.md") == before)
        #expect(try index.record(path: "folder0/note 3.md") != nil)

        let local = try Indexer.index(root: root, into: index, device: "d", progress: nil)  // a local disk: both are real
        #expect(local.updated == 1 && local.removed == 1)
    }
}
