import Testing
@testable import Index

@Suite struct SchemaTests {
    @Test(arguments: Backends.all)
    func createsTheSchemaOnceAndReopens(backend: Backend) throws {
        let name = Backend.uniqueName()
        let index = try NoteIndex(executor: backend.make(name))
        try index.put("a.md", Fixture.note(title: "A", body: "alpha"))
        #expect(try Schema.storedVersion(index.executor) == Schema.currentVersion)
        let reopened = try NoteIndex(executor: backend.make(name))
        #expect(try reopened.record(path: "a.md")?.title == "A")
        for table in ["notes", "observations", "links", "tags", "note_aliases", "notes_fts", "changes", "meta", "cas_guard"] {
            #expect(try reopened.count(table) >= 0)
        }
    }

    @Test(arguments: Backends.all)
    func refusesAnIndexFromANewerVersion(backend: Backend) throws {
        let name = Backend.uniqueName()
        let index = try NoteIndex(executor: backend.make(name))
        _ = try index.executor.execute(SQLStatement("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
        #expect(throws: SQLError.schemaTooNew(found: 99, supported: Schema.currentVersion)) {
            _ = try NoteIndex(executor: backend.make(name))
        }
    }

    @Test(arguments: Backends.all)
    func appliesLaterMigrationsOnceInOrder(backend: Backend) throws {
        let name = Backend.uniqueName()
        let executor = try backend.make(name)
        try Schema.prepare(executor, migrations: [])
        let migrations = [
            Schema.Migration(from: 1, statements: ["CREATE TABLE extra(x)"]),
            Schema.Migration(from: 2, statements: ["ALTER TABLE extra ADD COLUMN y"]),
        ]
        try Schema.prepare(executor, migrations: migrations)
        #expect(try Schema.storedVersion(executor) == 3)
        // Running again (another process starting) does nothing: a repeated ALTER would fail.
        try Schema.prepare(try backend.make(name), migrations: migrations)
        _ = try executor.execute(SQLStatement("INSERT INTO extra(x, y) VALUES (1, 2)"))
        // The binary that knows only version 1 now refuses the index.
        #expect(throws: SQLError.schemaTooNew(found: 3, supported: 1)) { try Schema.prepare(executor, migrations: []) }
    }

    @Test(arguments: Backends.all)
    func aVersion1IndexOpensWithAliasesFilledInFromMetadata(backend: Backend) throws {
        let name = Backend.uniqueName()
        let executor = try backend.make(name)
        try Schema.prepare(executor, migrations: [])  // as the previous notebridge left it
        func insertVersion1Note(_ path: String, title: String, metadata: String) throws {
            let key = String(path.dropLast(3)).lowercased()
            _ = try executor.execute(SQLStatement("""
                INSERT INTO notes(path, permalink, title, type, checksum, size, mtime, version, updated_at, updated_by,
                                  frontmatter_state, metadata, folder, permalink_key, title_key, path_key, stem_key)
                VALUES (?1, ?2, ?3, 'note', 'sum', 1, 1, 1, 1, 'old', 'valid', ?4, '', ?2, ?5, ?2, ?2)
                """, [.text(path), .text(key), .text(title), .text(metadata), .text(title.lowercased())]))
        }
        // A YAML list was kept as JSON array text, a string as written.
        try insertVersion1Note("Ada.md", title: "Ada Lovelace", metadata: #"{"aliases":"[\"Countess\",\"Ádá\",\"ada lovelace\"]","x":"1"}"#)
        try insertVersion1Note("Engine.md", title: "Engine", metadata: #"{"aliases":"AE, Difference, "}"#)
        try insertVersion1Note("Plain.md", title: "Plain", metadata: #"{"people":"[\"Countess\"]"}"#)
        #expect(try Schema.storedVersion(executor) == 1)

        let index = try NoteIndex(executor: backend.make(name))
        #expect(try Schema.storedVersion(executor) == Schema.currentVersion)
        #expect(try index.resolve(link: "countess", from: nil)?.path == "Ada.md")
        #expect(try index.resolve(link: "ÁDÁ", from: nil)?.path == "Ada.md")
        #expect(try index.resolve(link: "difference", from: nil)?.path == "Engine.md")
        #expect(try index.count("note_aliases") == 4)
        // The next process to open it migrates nothing again, and writes keep the table current.
        let reopened = try NoteIndex(executor: backend.make(name))
        #expect(try reopened.count("note_aliases") == 4)
        try reopened.put("Engine.md", Fixture.note(title: "Engine", body: ""))
        #expect(try reopened.resolve(link: "AE", from: nil) == nil)
    }

    @Test(arguments: Backends.all)
    func twoProcessesCreatingAtOnceBothSucceed(backend: Backend) async throws {
        let name = Backend.uniqueName()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { _ = try NoteIndex(executor: backend.make(name)) }
            }
            try await group.waitForAll()
        }
        let executor = try backend.make(name)
        #expect(try executor.execute(SQLStatement("SELECT count(*) FROM meta")).rows == [[.integer(1)]])
        #expect(try Schema.storedVersion(executor) == Schema.currentVersion)
    }
}
