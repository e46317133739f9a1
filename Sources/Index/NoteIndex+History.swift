import Notes

/// The history: every version of every note with its exact bytes (see `Schema.version3`), also
/// after the note is deleted, kept by a `RetentionPolicy`.
extension NoteIndex {
    /// Up to `limit` versions of the note at `path`, newest first (deletions included).
    public func history(path: String, limit: Int = 50) throws(SQLError) -> [NoteVersionInfo] {
        try executor.execute(SQLStatement(
            "SELECT \(NoteVersionInfo.columns) FROM note_versions WHERE path = ? ORDER BY version DESC LIMIT ?",
            [.text(path), .integer(Int64(max(0, limit)))])).rows.map { NoteVersionInfo(row: $0) }
    }

    /// Version `version` of the note at `path` with its bytes, also when the note is deleted;
    /// nil when that version is not kept. Throws when the stored bytes do not match the checksum.
    public func version(path: String, version: Int64) throws(SQLError) -> NoteVersion? {
        let rows = try executor.execute(SQLStatement(
            "SELECT \(NoteVersionInfo.columns), bytes FROM note_versions WHERE path = ? AND version = ?",
            [.text(path), .integer(version)])).rows
        return try rows.first.map(Self.verifiedVersion)
    }

    /// The text of the version the index holds for `path` now, checked against its checksum: what a
    /// reader gets while its mount still shows an older file. nil when the note is not indexed or
    /// its current version was recorded without text (before the history, or by an old caller).
    public func currentVersionText(path: String) throws(SQLError) -> NoteVersion? {
        let rows = try executor.execute(SQLStatement("""
            SELECT \(NoteVersionInfo.columns(prefix: "v.")), v.bytes FROM notes n
            JOIN note_versions v ON v.path = n.path AND v.version = n.version
            WHERE n.path = ? AND v.bytes IS NOT NULL
            """, [.text(path)])).rows
        return try rows.first.map(Self.verifiedVersion)
    }

    /// Notes whose newest version is a deletion, most recently deleted first, each with the
    /// newest version that has text: bring one back by reading that version and saving its text
    /// with base version 0 (origin `restore`).
    public func deletedNotes(limit: Int = 100) throws(SQLError) -> [DeletedNote] {
        let rows = try executor.execute(SQLStatement("""
            SELECT \(NoteVersionInfo.columns(prefix: "d.")),
                   (SELECT MAX(t.version) FROM note_versions t WHERE t.path = d.path AND t.bytes IS NOT NULL)
            FROM note_versions d
            WHERE d.checksum IS NULL AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.path = d.path)
              AND d.version = (SELECT MAX(w.version) FROM note_versions w WHERE w.path = d.path)
            ORDER BY d.at DESC LIMIT ?
            """, [.integer(Int64(max(0, limit)))])).rows
        var notes: [DeletedNote] = []
        for row in rows {
            let deletion = NoteVersionInfo(row: row)
            var lastText: NoteVersionInfo?
            if let version = row.last, version != .null {
                lastText = try executor.execute(SQLStatement(
                    "SELECT \(NoteVersionInfo.columns) FROM note_versions WHERE path = ? AND version = ?",
                    [.text(deletion.path), version])).rows.first.map { NoteVersionInfo(row: $0) }
            }
            notes.append(DeletedNote(deletion: deletion, lastText: lastText))
        }
        return notes
    }

    /// Deletes up to `batchSize` versions that `policy` no longer keeps (older than its age limit
    /// and not among the newest `keepLatest` of their note, deleted notes alike); returns how many.
    /// One statement over the index on `at`; call again while it returns `batchSize`. Each call
    /// still reads the old versions the `keepLatest` rule keeps (at most that many per note).
    @discardableResult
    public func prune(policy: RetentionPolicy = .standard, now: Int64? = nil, batchSize: Int = 1_000) throws(SQLError) -> Int {
        let cutoff = (now ?? Self.now()) - Int64(policy.keepFor.components.seconds) * 1_000
        let result = try executor.execute(SQLStatement("""
            DELETE FROM note_versions WHERE rowid IN (
                SELECT v.rowid FROM note_versions v
                WHERE v.at < ?1 AND v.version <= (
                    SELECT w.version FROM note_versions w WHERE w.path = v.path ORDER BY w.version DESC LIMIT 1 OFFSET ?2)
                LIMIT ?3)
            """, [.integer(cutoff), .integer(Int64(policy.keepLatest)), .integer(Int64(max(1, batchSize)))]))
        return result.rowsAffected
    }

    private static func verifiedVersion(_ row: [SQLValue]) throws(SQLError) -> NoteVersion {
        let info = NoteVersionInfo(row: row)
        guard case .blob(let bytes) = row[NoteVersionInfo.columnCount] else { return NoteVersion(info: info, bytes: nil) }
        guard let checksum = info.checksum, Checksum.sha256(bytes) == checksum else {
            throw .statement(message: "the stored text of \(info.path) version \(info.version) does not match its checksum",
                             statementIndex: nil)
        }
        return NoteVersion(info: info, bytes: bytes)
    }
}

extension NoteVersionInfo {
    static let columnCount = 8

    /// The columns `init(row:)` reads, in order, each after `prefix`.
    static func columns(prefix: String) -> String {
        ["path", "version", "checksum", "device", "at", "size", "origin"].map { prefix + $0 }.joined(separator: ", ")
            + ", \(prefix)bytes IS NOT NULL"
    }

    static let columns = columns(prefix: "")

    init(row: [SQLValue]) {
        self.init(path: row.text(0), version: row.integer(1), checksum: row.optionalText(2), device: row.text(3),
                  at: row.integer(4), size: row.integer(5), origin: VersionOrigin(rawValue: row.text(6)) ?? .scan,
                  hasText: row.integer(7) != 0)
    }
}
