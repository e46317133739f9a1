/// The index's tables, the same SQL on SQLite and Turso (plain SQLite + FTS5), and the
/// forward-only migrations that bring an older index up to date.
enum Schema {
    /// One step of the schema's history: the statements that take version `from` to `from + 1`.
    struct Migration: Sendable {
        var from: Int
        var statements: [String]
        /// Statements worked out from the index as it stands, run after `statements` in the same transaction.
        var derived: (@Sendable (any SQLExecutor) throws(SQLError) -> [SQLStatement])? = nil
    }

    /// Creates version 1. Every statement is idempotent, so two processes creating the index at
    /// once both succeed (the executor serialises their transactions).
    static let version1: [String] = [
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        // A CAS step inserts NULL here when its precondition fails, aborting its transaction.
        "CREATE TABLE IF NOT EXISTS cas_guard(ok INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS notes(
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            permalink TEXT NOT NULL,
            title TEXT NOT NULL,
            type TEXT NOT NULL,
            checksum TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime INTEGER NOT NULL,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL,
            frontmatter_state TEXT NOT NULL,
            metadata TEXT NOT NULL,
            folder TEXT NOT NULL,
            permalink_key TEXT NOT NULL,
            title_key TEXT NOT NULL,
            path_key TEXT NOT NULL,
            stem_key TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS notes_permalink_key ON notes(permalink_key)",
        "CREATE INDEX IF NOT EXISTS notes_title_key ON notes(title_key)",
        "CREATE INDEX IF NOT EXISTS notes_path_key ON notes(path_key)",
        "CREATE INDEX IF NOT EXISTS notes_stem_key ON notes(stem_key)",
        """
        CREATE TABLE IF NOT EXISTS observations(
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            content TEXT NOT NULL,
            context TEXT,
            tags TEXT NOT NULL,
            line INTEGER NOT NULL,
            utf8_start INTEGER NOT NULL, utf8_end INTEGER NOT NULL,
            utf16_start INTEGER NOT NULL, utf16_end INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS observations_note ON observations(note_id)",
        "CREATE INDEX IF NOT EXISTS observations_category ON observations(category)",
        """
        CREATE TABLE IF NOT EXISTS links(
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            target TEXT NOT NULL,
            target_key TEXT NOT NULL,
            target_permalink TEXT NOT NULL,
            alias TEXT,
            context TEXT,
            is_inline INTEGER NOT NULL,
            line INTEGER NOT NULL,
            utf8_start INTEGER NOT NULL, utf8_end INTEGER NOT NULL,
            utf16_start INTEGER NOT NULL, utf16_end INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS links_note ON links(note_id)",
        "CREATE INDEX IF NOT EXISTS links_target_key ON links(target_key)",
        "CREATE INDEX IF NOT EXISTS links_target_permalink ON links(target_permalink)",
        "CREATE INDEX IF NOT EXISTS links_type ON links(type)",
        """
        CREATE TABLE IF NOT EXISTS tags(
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (note_id, tag)) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS tags_tag ON tags(tag, note_id)",
        // rowid = notes.id. Prefix indexes make two- and three-letter prefix queries (typing) cheap.
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(
            title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')
        """,
        // ORDER BY rank then weighs a title hit ten times a body hit.
        "INSERT INTO notes_fts(notes_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)')",
        // Merge segments in bigger steps: bulk indexing does less merge work, searches are as fast.
        "INSERT INTO notes_fts(notes_fts, rank) VALUES ('automerge', 8)",
        """
        CREATE TABLE IF NOT EXISTS changes(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('created', 'changed', 'deleted')),
            checksum TEXT,
            version INTEGER NOT NULL,
            device TEXT NOT NULL,
            at INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS changes_path ON changes(path, version)",
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1')",
    ]

    /// Steps after version 1, in order. Each runs in one transaction guarded by the version it
    /// starts from, so two processes migrating at once apply it once.
    static let migrations: [Migration] = [version2, version3]

    /// Version 2: frontmatter aliases get their own table. Older binaries kept `aliases` in the
    /// metadata JSON, so existing notes' aliases are filled in from there without reading files.
    static let version2 = Migration(from: 1, statements: [
        """
        CREATE TABLE IF NOT EXISTS note_aliases(
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            alias_key TEXT NOT NULL,
            PRIMARY KEY (note_id, alias_key)) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS note_aliases_key ON note_aliases(alias_key, note_id)",
    ], derived: AliasBackfill.statements)

    /// Version 3: the history. Every version of a note, with its exact bytes, keyed by path (not
    /// note id) so that a deleted note's versions stay. A deletion is a row without checksum or
    /// bytes. Nothing is backfilled: the index never had the texts of existing notes, so their
    /// history starts with their next version.
    static let version3 = Migration(from: 2, statements: [
        """
        CREATE TABLE IF NOT EXISTS note_versions(
            path TEXT NOT NULL,
            version INTEGER NOT NULL,
            checksum TEXT,
            device TEXT NOT NULL,
            at INTEGER NOT NULL,
            size INTEGER NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('save', 'merge', 'restore', 'editor', 'watch', 'scan', 'open', 'index')),
            bytes BLOB,
            PRIMARY KEY (path, version))
        """,
        // Pruning walks the old versions.
        "CREATE INDEX IF NOT EXISTS note_versions_at ON note_versions(at)",
        // Deleted notes, newest first, without walking every version.
        "CREATE INDEX IF NOT EXISTS note_versions_deleted ON note_versions(at) WHERE checksum IS NULL",
    ])

    /// The version this binary writes.
    static var currentVersion: Int { 1 + migrations.count }

    /// Brings the index at `executor` to the newest version in `migrations`, creating it if empty.
    static func prepare(_ executor: any SQLExecutor, migrations: [Migration] = migrations) throws(SQLError) {
        let supported = 1 + migrations.count
        var version = try storedVersion(executor)
        if version == 0 {
            _ = try executor.transaction(version1.map { SQLStatement($0) })
            version = try storedVersion(executor)
        }
        while true {
            if version > supported { throw .schemaTooNew(found: version, supported: supported) }
            guard version < supported, let step = migrations.first(where: { $0.from == version }) else { return }
            let guardStep = SQLStatement(
                "INSERT INTO cas_guard(ok) VALUES ((SELECT 1 WHERE (SELECT value FROM meta WHERE key = 'schema_version') = ?))",
                [.text(String(version))])
            let finish = [
                SQLStatement("UPDATE meta SET value = ? WHERE key = 'schema_version'", [.text(String(version + 1))]),
                SQLStatement("DELETE FROM cas_guard"),
            ]
            let derived = try step.derived?(executor) ?? []
            do throws(SQLError) {
                _ = try executor.transaction([guardStep] + step.statements.map { SQLStatement($0) } + derived + finish)
            } catch .statement(_, statementIndex: 0) {
                // Another process migrated first; read where it left the index.
            }
            version = try storedVersion(executor)
        }
    }

    /// The schema version recorded in the index, 0 when the index is empty.
    static func storedVersion(_ executor: any SQLExecutor) throws(SQLError) -> Int {
        let table = try executor.execute(SQLStatement(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"))
        guard table.rows.first?.first == .integer(1) else { return 0 }
        let rows = try executor.execute(SQLStatement("SELECT value FROM meta WHERE key = 'schema_version'"))
        guard case .text(let text)? = rows.rows.first?.first else { return 0 }
        guard let version = Int(text) else {
            throw .statement(message: "index has an unreadable schema_version '\(text)'", statementIndex: nil)
        }
        return version
    }
}
