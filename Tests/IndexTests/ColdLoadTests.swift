import Foundation
import Testing
@testable import Index
import Vault
import Workspace

/// The first index into an empty local index runs as one transaction with the secondary indexes
/// rebuilt at its end (`ColdLoad`); it must leave exactly what indexing note by note leaves.
@Suite struct ColdLoadTests {
    static func vault(count: Int = 40) throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        for number in 0..<count {
            let text = Fixture.note(
                title: "Note \(number)", type: number % 3 == 0 ? "meeting" : "note", tags: ["t\(number % 5)", "shared"],
                body: "Prose about topic\(number) and [[Note \(number + 1)]].\n"
                    + "- [fact] fact \(number) #n\(number) (context \(number))\n- relates_to [[Note \(number * 7 % count)]]")
            let aliases = number % 5 == 0 ? "aliases: [Alias \(number), Other \(number)]\n" : ""
            try folder.write("f\(number % 4)/note \(number).md", text.replacingOccurrences(of: "---\ntitle:", with: "---\n\(aliases)title:"))
        }
        return folder
    }

    static func sqliteIndex() throws -> NoteIndex {
        try NoteIndex(executor: Backend.sqlite.fresh())
    }

    /// Every row that indexing decides, with note ids replaced by paths and write times left out.
    static func contents(_ index: NoteIndex) throws -> [[SQLValue]] {
        let queries = [
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
            """
            SELECT path, permalink, title, type, checksum, size, mtime, version, updated_by, frontmatter_state, metadata,
                   folder, permalink_key, title_key, path_key, stem_key FROM notes ORDER BY path
            """,
            """
            SELECT n.path, o.category, o.content, o.context, o.tags, o.line, o.utf8_start, o.utf8_end, o.utf16_start, o.utf16_end
            FROM observations o JOIN notes n ON n.id = o.note_id ORDER BY n.path, o.line
            """,
            """
            SELECT n.path, l.type, l.target, l.target_key, l.target_permalink, l.alias, l.context, l.is_inline, l.line,
                   l.utf8_start, l.utf8_end, l.utf16_start, l.utf16_end
            FROM links l JOIN notes n ON n.id = l.note_id ORDER BY n.path, l.line, l.utf8_start
            """,
            "SELECT n.path, t.tag FROM tags t JOIN notes n ON n.id = t.note_id ORDER BY n.path, t.tag",
            "SELECT n.path, a.alias, a.alias_key FROM note_aliases a JOIN notes n ON n.id = a.note_id ORDER BY n.path, a.alias_key",
            "SELECT n.path, f.title, f.body FROM notes_fts f JOIN notes n ON n.id = f.rowid ORDER BY n.path",
            "SELECT path, op, checksum, version, device FROM changes ORDER BY path, version",
            // The origin differs (`index` for the cold load); the versions and their bytes may not.
            "SELECT path, version, checksum, device, size, bytes FROM note_versions ORDER BY path, version",
        ]
        return try queries.flatMap { try index.executor.execute(SQLStatement($0)).rows }
    }

    static func expectHealthy(_ index: NoteIndex) throws {
        // SQLite 3.40 reports "NULL value in note_aliases.alias" for any row of a WITHOUT ROWID
        // table whose NOT NULL column is not in its key; the count below checks that column instead.
        let problems = try index.executor.execute(SQLStatement("PRAGMA integrity_check")).rows
            .filter { $0 != [.text("NULL value in note_aliases.alias")] }
        #expect(problems == [[.text("ok")]] || problems.isEmpty)
        #expect(try index.executor.execute(SQLStatement("SELECT count(*) FROM note_aliases WHERE alias IS NULL")).rows == [[.integer(0)]])
        _ = try index.executor.execute(SQLStatement("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')"))
    }

    @Test func aColdIndexLeavesWhatIndexingNoteByNoteLeaves() throws {
        let folder = try Self.vault()
        let cold = try Self.sqliteIndex()
        let stats = try Indexer.index(root: VaultRoot(folder.path), into: cold, device: "d", progress: nil)
        #expect(stats.added == 40)

        // The same notes written by the ordinary path: one note first, so the index is not empty.
        let warm = try Self.sqliteIndex()
        let first = try String(contentsOfFile: folder.path + "/f0/note 0.md", encoding: .utf8)
        try warm.put("f0/note 0.md", first, device: "d")
        #expect(ColdLoad.begin(on: warm.executor) == nil)
        let rest = try Indexer.index(root: VaultRoot(folder.path), into: warm, device: "d", progress: nil)
        #expect(rest.added == 39 && rest.updated == 0 && rest.unchanged == 1)

        #expect(try Self.contents(cold) == Self.contents(warm))
        // Only the cold load rebuilt indexes (the schema's own counter shows it).
        let schemaVersion = { (index: NoteIndex) throws -> SQLValue in
            try index.executor.execute(SQLStatement("PRAGMA schema_version")).rows[0][0]
        }
        #expect(try schemaVersion(cold).integerValue > schemaVersion(warm).integerValue)
        try Self.expectHealthy(cold)
        #expect(try cold.search(SearchRequest(text: "topic17")).hits.map(\.path) == ["f1/note 17.md"])
        #expect(try cold.search(SearchRequest(text: "to")).hits.count == 20)
        #expect(try cold.backlinks(to: "f2/note 18.md").map(\.sourcePath).contains("f1/note 17.md"))
        #expect(try cold.count("note_aliases") == 16)
    }

    @Test func overBudgetTheLoadCommitsAndTheRestIsWrittenAsUsual() throws {
        let folder = try Self.vault()
        let reference = try Self.sqliteIndex()
        _ = try Indexer.index(root: VaultRoot(folder.path), into: reference, device: "d", progress: nil)

        let index = try Self.sqliteIndex()
        let reports = Reports()
        let stats = try Indexer.index(root: VaultRoot(folder.path), into: index, device: "d", chunkSize: 500, mountLag: nil,
                                      filesPerRound: 7, coldLoadBudget: .zero) { reports.add($0, $1) }
        #expect(stats.added == 40)
        #expect(reports.last.map { $0 == (40, 40) } == true)
        #expect(try Self.contents(index) == Self.contents(reference))
        try Self.expectHealthy(index)
    }

    @Test func readersSeeNothingUntilTheCommitAndARollbackLeavesTheIndexAsItWas() throws {
        let index = try Self.sqliteIndex()
        let before = try Self.contents(index)
        let load = try #require(ColdLoad.begin(on: index.executor))
        try load.write((0..<5).map { Fixture.write("n\($0).md", Fixture.note(title: "N\($0)", body: "[[N\($0 + 1)]] text")) },
                       device: "d")
        // Another connection (the index's own) still reads the empty index, indexes and all.
        #expect(try Self.contents(index) == before)
        load.rollback()
        #expect(!load.isOpen)
        #expect(try Self.contents(index) == before)
        #expect(throws: SQLError.self) { try load.write([Fixture.write("late.md", "late")], device: "d") }

        let second = try #require(ColdLoad.begin(on: index.executor))
        try second.write([Fixture.write("n0.md", Fixture.note(title: "N0", body: "[[N1]] text"))], device: "d")
        try second.commit()
        #expect(try index.count("notes") == 1 && index.count("links") == 1 && index.count("notes_fts") == 1)
        #expect(try Array(Self.contents(index).prefix(before.count)) == Array(before.prefix(before.count)))
        try Self.expectHealthy(index)
    }

    @Test func onlyAnEmptyLocalFileGetsAColdLoad() throws {
        #expect(ColdLoad.begin(on: try SQLiteExecutor(path: ":memory:")) == nil)
        let index = try Self.sqliteIndex()
        try index.put("a.md", "text")
        #expect(ColdLoad.begin(on: index.executor) == nil)
    }
}
