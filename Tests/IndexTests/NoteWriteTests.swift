import Testing
@testable import Index

@Suite struct NoteWriteTests {
    let text = Fixture.note(title: "Alpha", tags: ["one"], body: """
        - [fact] Alpha is first #greek (context here)
        - relates_to [[Beta]]
        Prose with [[Gamma]] inline.
        """)

    @Test(arguments: Backends.all)
    func upsertBumpsTheVersionAndReplacesChildren(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let first = try index.put("a.md", text, device: "laptop")
        #expect(first.version == 1)
        #expect(first.title == "Alpha")
        #expect(first.updatedBy == "laptop")
        #expect(try index.links(from: "a.md").map(\.target) == ["Beta", "Gamma"])
        #expect(try index.count("observations") == 1)

        let second = try index.put("a.md", Fixture.note(title: "Alpha 2", body: "- [idea] changed"))
        #expect(second.version == 2)
        #expect(try index.links(from: "a.md").isEmpty)
        #expect(try index.categories() == ["idea"])
        #expect(try index.tags().isEmpty)
        #expect(try index.count("notes_fts") == 1)
        #expect(try index.search(SearchRequest(text: "changed")).hits.map(\.path) == ["a.md"])
        #expect(try index.search(SearchRequest(text: "first")).hits.isEmpty)
        #expect(try index.changes(after: 0, limit: 10).map(\.op) == [.created, .changed])
    }

    @Test(arguments: Backends.all)
    func removeRecordsADeletionAndLeavesNothingBehind(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("a.md", text)
        #expect(try index.remove(path: "a.md", device: "d"))
        #expect(try !index.remove(path: "a.md", device: "d"))
        for table in ["notes", "observations", "links", "tags", "notes_fts"] {
            #expect(try index.count(table) == 0, "table \(table)")
        }
        let changes = try index.changes(after: 0, limit: 10)
        #expect(changes.map(\.op) == [.created, .deleted])
        #expect(changes[1].checksum == nil)
        #expect(changes[1].version == 2)
        // A note created again never reuses a version an editor may still hold.
        #expect(try index.put("a.md", text).version == 3)
    }

    @Test(arguments: Backends.all)
    func saveWinsOnlyFromTheCurrentVersion(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        guard case .won(let created) = try index.save("a.md", text, base: 0) else {
            Issue.record("creating a new note must win")
            return
        }
        #expect(created.version == 1)
        // Creating again with base 0 loses: the note exists now.
        #expect(try index.save("a.md", text, base: 0) == .lost(current: created))
        guard case .won(let updated) = try index.save("a.md", Fixture.note(title: "Mine", body: "x"), base: 1) else {
            Issue.record("a save from the current version must win")
            return
        }
        #expect(updated.version == 2)
        // A second editor still based on version 1 loses and learns what is there now.
        let lost = try index.save("a.md", Fixture.note(title: "Theirs", body: "y"), base: 1)
        #expect(lost == .lost(current: updated))
        #expect(try index.record(path: "a.md")?.title == "Mine")
        #expect(try index.count("cas_guard") == 0)
        #expect(try index.changes(after: 0, limit: 10).count == 2)
    }

    @Test(arguments: Backends.all)
    func deleteIfVersionIsACompareAndSwapToo(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let record = try index.put("a.md", text)
        try index.put("a.md", text)
        #expect(try index.deleteIfVersion(path: "a.md", baseVersion: record.version, device: "d")
            == .lost(current: try index.record(path: "a.md")))
        #expect(try index.deleteIfVersion(path: "a.md", baseVersion: 2, device: "d") == .deleted)
        #expect(try index.record(path: "a.md") == nil)
        // Saving over a note someone deleted loses with nothing current.
        #expect(try index.save("a.md", text, base: 2) == .lost(current: nil))
    }

    @Test(arguments: Backends.all)
    func concurrentSavesFromOneBaseHaveExactlyOneWinner(backend: Backend) async throws {
        let name = Backend.uniqueName()
        let index = try NoteIndex(executor: backend.make(name))
        try index.put("a.md", text)
        let other = try NoteIndex(executor: backend.make(name))
        let outcomes = try await withThrowingTaskGroup(of: SaveOutcome.self) { group in
            for (number, target) in [index, other, index, other].enumerated() {
                group.addTask { try target.save("a.md", Fixture.note(title: "Writer \(number)", body: "x"), base: 1) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.filter { if case .won = $0 { true } else { false } }
        #expect(winners.count == 1)
        #expect(try index.record(path: "a.md")?.version == 2)
    }

    @Test(arguments: Backends.all)
    func changeFeedPagesBySequence(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        #expect(try index.latestChangeSeq() == 0)
        for name in ["a", "b", "c"] { try index.put("\(name).md", text, device: "dev-\(name)") }
        let latest = try index.latestChangeSeq()
        let firstTwo = try index.changes(after: 0, limit: 2)
        #expect(firstTwo.map(\.path) == ["a.md", "b.md"])
        let rest = try index.changes(after: firstTwo[1].seq, limit: 10)
        #expect(rest.map(\.path) == ["c.md"])
        #expect(rest[0].seq == latest)
        #expect(rest[0].device == "dev-c")
        #expect(rest[0].version == 1)
        #expect(try index.changes(after: latest, limit: 10).isEmpty)
    }

    @Test(arguments: Backends.all)
    func bulkWritesMatchSingleWrites(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let writes = (0..<25).map { Fixture.write("n\($0).md", Fixture.note(title: "Note \($0)", body: "[[Note \($0 + 1)]]")) }
        var reports: [Int] = []
        try index.apply(upserts: writes, device: "bulk", chunkSize: 10) { reports.append($0) }
        #expect(reports == [10, 20, 25])
        #expect(try index.count("notes") == 25)
        #expect(try index.backlinks(to: "n3.md").map(\.sourcePath) == ["n2.md"])
        try index.apply(upserts: [], stampUpdates: [StampUpdate(path: "n1.md", size: 9, mtime: 99)],
                        removals: ["n2.md"], device: "bulk")
        #expect(try index.record(path: "n1.md")?.mtime == 99)
        #expect(try index.record(path: "n1.md")?.version == 1)
        #expect(try index.record(path: "n2.md") == nil)
        // Re-applying the same content leaves versions alone when asked to.
        try index.apply(upserts: Array(writes.prefix(3)), device: "other", onlyIfContentChanged: true)
        #expect(try index.record(path: "n0.md")?.version == 1)
        #expect(try index.record(path: "n0.md")?.updatedBy == "bulk")
        try index.apply(upserts: Array(writes.prefix(1)), device: "other")
        #expect(try index.record(path: "n0.md")?.version == 2)
        #expect(try index.record(path: "n0.md")?.updatedBy == "other")
    }

    /// FTS5 writes its pending terms out as a new segment whenever a later statement of the
    /// transaction opens a statement journal: full-text rows must come after the other rows.
    @Test(arguments: Backends.all)
    func aBatchOfNotesMakesOneFullTextSegment(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let writes = (0..<100).map { Fixture.write("n\($0).md", Fixture.note(title: "N\($0)", tags: ["t"], body: "- [fact] f \($0)\n[[N\($0 + 1)]]")) }
        try index.apply(upserts: writes, device: "d", chunkSize: 100)
        let segments = try index.executor.execute(SQLStatement("SELECT count(DISTINCT segid) FROM notes_fts_idx")).rows
        #expect(segments == [[.integer(1)]])
    }

    @Test(arguments: Backends.all)
    func aNoteWrittenAndRemovedInOneBatchLeavesNothing(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("kept.md", text)
        try index.apply(upserts: [Fixture.write("gone.md", text), Fixture.write("kept.md", text + "more")],
                        removals: ["gone.md"], device: "d")
        #expect(try index.count("notes") == 1 && index.count("notes_fts") == 1 && index.count("links") == 2)
        #expect(try index.search(SearchRequest(text: "alpha")).hits.map(\.path) == ["kept.md"])
    }
}
