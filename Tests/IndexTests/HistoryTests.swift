import Foundation
import Testing
@testable import Index
import Notes
import Vault
import Workspace

/// The history: every write that makes a version records its exact bytes in the same
/// transaction, deletions keep it, reads verify it, pruning keeps what the policy says.
@Suite struct HistoryTests {
    /// Non-ASCII, CRLF line ends, a trailing space: bytes that a text round trip could change.
    static let tricky = "---\r\ntitle: Ünïcødé 🚀\r\n---\r\n\r\nZeile mit Umlauten äöü \r\n- [fact] 日本語 #tag\r\n"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: Backends.all)
    func everyWriteKindRecordsItsExactBytesAndOrigin(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        // save (CAS), then an observed editor write, then a bulk apply, then an unconditional upsert.
        guard case .won(let saved) = try index.save("a.md", Self.tricky, base: 0, device: "laptop") else {
            Issue.record("a new note's save must win"); return
        }
        let edited = Self.tricky + "edited by Helix\n"
        guard case .won(let observed) = try index.recordObserved(
            Fixture.write("a.md", edited), replacing: saved.version, baseChecksum: saved.checksum, origin: .editor, device: "laptop")
        else { Issue.record("an observed write from the current version must win"); return }
        let scanned = edited + "scan\n"
        try index.apply(upserts: [Fixture.write("a.md", scanned), Fixture.write("b.md", "b")], device: "desk",
                        onlyIfContentChanged: true)
        try index.put("a.md", "final", device: "desk", origin: .watch)

        let history = try index.history(path: "a.md")
        #expect(history.map(\.version) == [4, 3, 2, 1])
        #expect(history.map(\.origin) == [.watch, .scan, .editor, .save])
        #expect(history.map(\.device) == ["desk", "desk", "laptop", "laptop"])
        #expect(history.allSatisfy { $0.hasText && !$0.isDeletion })
        for (version, text) in [(Int64(1), Self.tricky), (2, edited), (3, scanned), (4, "final")] {
            let stored = try #require(try index.version(path: "a.md", version: version))
            #expect(stored.bytes == Self.bytes(text))
            #expect(stored.info.size == Int64(Self.bytes(text).count))
            #expect(stored.info.checksum == Checksum.sha256(Self.bytes(text)))
        }
        #expect(observed.version == 2)
        #expect(try index.currentVersionText(path: "a.md")?.text == "final")
        #expect(try index.history(path: "b.md").map(\.version) == [1])
    }

    @Test(arguments: Backends.all)
    func aBulkApplyOfUnchangedContentRecordsNoVersion(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.apply(upserts: [Fixture.write("a.md", "one"), Fixture.write("b.md", "two")], device: "d",
                        onlyIfContentChanged: true)
        try index.apply(upserts: [Fixture.write("a.md", "one"), Fixture.write("b.md", "two, changed")], device: "d",
                        onlyIfContentChanged: true)
        #expect(try index.history(path: "a.md").map(\.version) == [1])
        #expect(try index.history(path: "b.md").map(\.version) == [2, 1])
        #expect(try index.version(path: "b.md", version: 2)?.text == "two, changed")
    }

    @Test(arguments: Backends.all)
    func historyIsNewestFirstAndLimited(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        for number in 1...7 { try index.put("a.md", "text \(number)") }
        try index.put("other.md", "other")
        #expect(try index.history(path: "a.md", limit: 3).map(\.version) == [7, 6, 5])
        #expect(try index.history(path: "a.md").map(\.version) == Array((1...7).reversed()))
        #expect(try index.history(path: "missing.md").isEmpty)
        #expect(try index.version(path: "a.md", version: 8) == nil)
    }

    @Test(arguments: Backends.all)
    func aDeletedNoteKeepsItsHistoryAndCanBeBroughtBack(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("gone.md", "first")
        try index.put("gone.md", "last words")
        try index.put("kept.md", "kept")
        #expect(try index.deleteIfVersion(path: "gone.md", baseVersion: 2, device: "devB") == .deleted)

        let history = try index.history(path: "gone.md")
        #expect(history.map(\.version) == [3, 2, 1])
        #expect(history[0].isDeletion && !history[0].hasText && history[0].device == "devB" && history[0].origin == .save)
        #expect(try index.version(path: "gone.md", version: 2)?.text == "last words")
        #expect(try index.currentVersionText(path: "gone.md") == nil)

        let deleted = try index.deletedNotes()
        #expect(deleted.map(\.deletion.path) == ["gone.md"])
        let lastText = try #require(deleted.first?.lastText)
        #expect(lastText.version == 2)
        // Bringing it back: save that version's text as a new note.
        let text = try #require(try index.version(path: "gone.md", version: lastText.version)?.text)
        guard case .won(let restored) = try index.save("gone.md", text, base: 0, origin: .restore) else {
            Issue.record("restoring a deleted note must win"); return
        }
        #expect(restored.version == 4)
        #expect(try index.history(path: "gone.md").first?.origin == .restore)
        #expect(try index.deletedNotes().isEmpty)
        #expect(try index.currentVersionText(path: "gone.md")?.text == "last words")
    }

    @Test(arguments: Backends.all)
    func aLostSwapRecordsNoVersion(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("a.md", "one")
        try index.put("a.md", "two")
        let before = try index.history(path: "a.md")
        // A stale base version, then the right version with a stale checksum.
        #expect(try index.save("a.md", "mine", base: 1) == .lost(current: index.record(path: "a.md")))
        #expect(try index.save("a.md", "mine", base: 2, baseChecksum: Checksum.sha256(Self.bytes("one")))
            == .lost(current: index.record(path: "a.md")))
        let observedLate = try index.recordObserved(Fixture.write("a.md", "older file on a lagging mount"), replacing: 1,
                                                    baseChecksum: Checksum.sha256(Self.bytes("one")), origin: .watch, device: "d")
        #expect(observedLate == .lost(current: try index.record(path: "a.md")))
        #expect(try index.history(path: "a.md") == before)
        #expect(try index.count("note_versions") == 2)
        #expect(try index.changes(after: 0, limit: 10).count == 2)
    }

    @Test(arguments: Backends.all)
    func observingBytesTheIndexHoldsMakesNoVersion(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        guard case .won(let created) = try index.recordObserved(Fixture.write("a.md", "new file"), replacing: 0,
                                                                baseChecksum: nil, origin: .scan, device: "d")
        else { Issue.record("observing a new file must win"); return }
        #expect(created.version == 1)
        // A second bridge sees the same file: nothing new.
        let again = try index.recordObserved(Fixture.write("a.md", "new file"), replacing: 1,
                                             baseChecksum: created.checksum, origin: .scan, device: "e")
        #expect(again == .won(created))
        #expect(try index.history(path: "a.md").map(\.version) == [1])
        #expect(try index.history(path: "a.md").first?.device == "d")
    }

    @Test(arguments: Backends.all)
    func aVersion2IndexMigratesWithAnEmptyHistory(backend: Backend) throws {
        let name = Backend.uniqueName()
        let executor = try backend.make(name)
        try Schema.prepare(executor, migrations: [Schema.version2])  // as the previous notebridge left it
        _ = try executor.transaction([
            SQLStatement("""
                INSERT INTO notes(path, permalink, title, type, checksum, size, mtime, version, updated_at, updated_by,
                                  frontmatter_state, metadata, folder, permalink_key, title_key, path_key, stem_key)
                VALUES ('old.md', 'old', 'Old', 'note', 'sum', 3, 1, 3, 1, 'old', 'valid', '{}', '', 'old', 'old', 'old', 'old')
                """),
            SQLStatement("INSERT INTO changes(path, op, checksum, version, device, at) VALUES ('old.md', 'changed', 'sum', 3, 'old', 1)"),
        ])
        #expect(try Schema.storedVersion(executor) == 2)

        let index = try NoteIndex(executor: backend.make(name))
        #expect(try Schema.storedVersion(executor) == 3)
        #expect(try index.history(path: "old.md").isEmpty)
        #expect(try index.currentVersionText(path: "old.md") == nil)
        guard case .won(let saved) = try index.save("old.md", "new text", base: 3, baseChecksum: "sum") else {
            Issue.record("a save from the migrated version must win"); return
        }
        #expect(saved.version == 4)
        #expect(try index.history(path: "old.md").map(\.version) == [4])
        #expect(try index.currentVersionText(path: "old.md")?.text == "new text")
        // Reopening migrates nothing again.
        _ = try NoteIndex(executor: backend.make(name))
        #expect(try index.count("note_versions") == 1)
    }

    @Test(arguments: Backends.all)
    func corruptStoredBytesAreRefusedNotServed(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("a.md", "the real text")
        _ = try index.executor.execute(SQLStatement("UPDATE note_versions SET bytes = ? WHERE path = 'a.md'",
                                                    [.blob(Self.bytes("the real text\0\0"))]))
        #expect(throws: SQLError.self) { try index.currentVersionText(path: "a.md") }
        #expect(throws: SQLError.self) { try index.version(path: "a.md", version: 1) }
    }

    @Test(arguments: Backends.all)
    func pruneKeepsTheNewestAndTheRecentAndTouchesNothingElse(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let day: Int64 = 24 * 3600 * 1000
        let now: Int64 = 100 * day
        // old.md: 8 versions, all 40 days old. busy.md: 4 old versions, then 4 from last week.
        // gone.md: 6 old versions then an old deletion. fresh.md: 3 recent versions.
        for number in 1...8 { try index.put("old.md", "old \(number)") }
        for number in 1...8 { try index.put("busy.md", "busy \(number)") }
        for number in 1...6 { try index.put("gone.md", "gone \(number)") }
        try index.remove(path: "gone.md", device: "d")
        for number in 1...3 { try index.put("fresh.md", "fresh \(number)") }
        _ = try index.executor.execute(SQLStatement("UPDATE note_versions SET at = ?", [.integer(now - 40 * day)]))
        _ = try index.executor.execute(SQLStatement(
            "UPDATE note_versions SET at = ? WHERE (path = 'busy.md' AND version > 4) OR path = 'fresh.md'",
            [.integer(now - 7 * day)]))

        let policy = RetentionPolicy(keepFor: .seconds(30 * 24 * 3600), keepLatest: 3)
        // A small batch: the caller calls again until less than a batch comes back.
        var deleted = 0
        while true {
            let batch = try index.prune(policy: policy, now: now, batchSize: 4)
            deleted += batch
            if batch < 4 { break }
        }
        #expect(try index.history(path: "old.md").map(\.version) == [8, 7, 6])
        // The 30-day ones stay beyond the newest three; the old ones below them go.
        #expect(try index.history(path: "busy.md").map(\.version) == [8, 7, 6, 5])
        // The deletion counts as the newest version of a deleted note.
        #expect(try index.history(path: "gone.md").map(\.version) == [7, 6, 5])
        #expect(try index.history(path: "fresh.md").map(\.version) == [3, 2, 1])
        #expect(deleted == 5 + 4 + 4)
        #expect(try index.prune(policy: policy, now: now) == 0)
        // The standard policy keeps 50 per note: nothing here goes.
        #expect(try index.prune(now: now + 1000 * day) == 0)
        #expect(try index.deletedNotes().first?.lastText?.version == 6)
    }
}

/// The first index of a vault (the cold load) records each note's first version with its bytes.
@Suite struct ColdLoadHistoryTests {
    @Test func theColdLoadRecordsEachFilesBytesAsItsFirstVersion() throws {
        let folder = TemporaryFolder()
        try folder.write("a.md", HistoryTests.tricky)
        try folder.write("sub/b.md", "plain")
        let index = try ColdLoadTests.sqliteIndex()
        let stats = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", progress: nil)
        #expect(stats.added == 2)
        let first = try #require(try index.currentVersionText(path: "a.md"))
        #expect(first.bytes == HistoryTests.bytes(HistoryTests.tricky))
        #expect(first.info.origin == .index && first.info.version == 1)
        #expect(try index.currentVersionText(path: "sub/b.md")?.text == "plain")
    }
}

/// Over Turso, recording the text costs no extra round trip.
@Suite struct HistoryOverTursoTests {
    @Test func aSaveOrAnObservedWriteWithItsTextIsOneRoundTrip() throws {
        let server = try TursoTestServer()
        let index = try NoteIndex(executor: HranaExecutor(database: server.database()))
        let created = try index.put("a.md", "one")
        let long = String(repeating: "Zeile äöü 🚀\r\n", count: 3000)
        try server.knob("reset-stats", [:])
        guard case .won(let saved) = try index.save("a.md", long, base: created.version, baseChecksum: created.checksum) else {
            Issue.record("the save must win"); return
        }
        #expect(try server.pipelineRequests() == 1)
        try server.knob("reset-stats", [:])
        _ = try index.recordObserved(Fixture.write("a.md", long + "editor\n"), replacing: saved.version,
                                     baseChecksum: saved.checksum, origin: .editor, device: "d")
        #expect(try server.pipelineRequests() == 1)
        #expect(try index.version(path: "a.md", version: 2)?.bytes == HistoryTests.bytes(long))
    }
}
