import Foundation
import JSON
import Notes

/// The SQL that writes or removes one note. A caller puts these in one transaction, maybe behind
/// a compare-and-swap guard, maybe with other notes.
enum NoteWriteStatements {
    /// Rows per multi-row INSERT; keeps the parameter count far below SQLite's limit.
    private static let rowsPerInsert = 50

    /// Records the change (which fixes the new version) and the version's text, then replaces the
    /// note row, its observations, links, tags and full-text row. With `onlyIfContentChanged`, a
    /// note already indexed with the same checksum keeps its version and gets no change record and
    /// no version row (two indexers racing over the same files then agree).
    static func upsert(_ write: NoteWrite, origin: VersionOrigin, device: String, at now: Int64,
                       onlyIfContentChanged: Bool = false) -> [SQLStatement] {
        rows(write, origin: origin, device: device, at: now, onlyIfContentChanged: onlyIfContentChanged) + fullText(write)
    }

    /// The full-text part of an upsert: replaces the note's row in `notes_fts`. Runs after the
    /// note row exists. A transaction of many notes should run all of these after every other
    /// statement: FTS5 flushes its pending terms to a new segment whenever a later statement
    /// opens a statement journal, so interleaving writes one tiny segment per note.
    /// `knownAbsent`: the note is not in the index, so it has no old row to delete.
    static func fullText(_ write: NoteWrite, knownAbsent: Bool = false) -> [SQLStatement] {
        let path = SQLValue.text(write.path)
        let insert = SQLStatement("INSERT INTO notes_fts(rowid, title, body) VALUES ((SELECT id FROM notes WHERE path = ?), ?, ?)",
                                  [path, .text(write.values.searchableTitle), .text(write.values.searchableBody)])
        if knownAbsent { return [insert] }
        return [SQLStatement("DELETE FROM notes_fts WHERE rowid = (SELECT id FROM notes WHERE path = ?)", [path]), insert]
    }

    /// An upsert without its full-text part (`fullText`). `knownAbsent`: the note is not in the
    /// index, so it has no old observations, links or tags to delete.
    static func rows(_ write: NoteWrite, origin: VersionOrigin, device: String, at now: Int64,
                     onlyIfContentChanged: Bool = false, knownAbsent: Bool = false) -> [SQLStatement] {
        let path = SQLValue.text(write.path)
        let parsed = write.parsed
        let values = write.values
        let ifChanged = onlyIfContentChanged ? "WHERE n.checksum IS NOT ?2" : ""
        var statements = [
            SQLStatement("""
                INSERT INTO changes(path, op, checksum, version, device, at)
                SELECT ?1, CASE WHEN n.version IS NULL THEN 'created' ELSE 'changed' END, ?2,
                       COALESCE(n.version, (SELECT MAX(version) FROM changes WHERE path = ?1), 0) + 1, ?3, ?4
                FROM (SELECT 1) LEFT JOIN notes n ON n.path = ?1
                \(ifChanged)
                """, [path, .text(write.checksum), .text(device), .integer(now)]),
            // Runs before the note row changes, so `ifChanged` decides as it did for the change.
            SQLStatement("""
                INSERT INTO note_versions(path, version, checksum, device, at, size, origin, bytes)
                SELECT ?1, (SELECT MAX(version) FROM changes WHERE path = ?1), ?2, ?3, ?4, ?5, ?6, ?7
                FROM (SELECT 1) LEFT JOIN notes n ON n.path = ?1
                \(ifChanged)
                """, [path, .text(write.checksum), .text(device), .integer(now), .integer(write.size),
                      .text(origin.rawValue), write.bytes.map(SQLValue.blob) ?? .null]),
            SQLStatement("""
                INSERT INTO notes(path, permalink, title, type, checksum, size, mtime, version, updated_at, updated_by,
                                  frontmatter_state, metadata, folder, permalink_key, title_key, path_key, stem_key)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT MAX(version) FROM changes WHERE path = ?1), ?8, ?9,
                        ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                ON CONFLICT(path) DO UPDATE SET
                    permalink = excluded.permalink, title = excluded.title, type = excluded.type,
                    checksum = excluded.checksum, size = excluded.size, mtime = excluded.mtime,
                    updated_at = CASE WHEN notes.version = excluded.version THEN notes.updated_at ELSE excluded.updated_at END,
                    updated_by = CASE WHEN notes.version = excluded.version THEN notes.updated_by ELSE excluded.updated_by END,
                    version = excluded.version,
                    frontmatter_state = excluded.frontmatter_state, metadata = excluded.metadata,
                    folder = excluded.folder, permalink_key = excluded.permalink_key, title_key = excluded.title_key,
                    path_key = excluded.path_key, stem_key = excluded.stem_key
                """, [path, .text(parsed.permalink), .text(parsed.title), .text(parsed.type), .text(write.checksum),
                      .integer(write.size), .integer(write.mtime), .integer(now), .text(device),
                      .text(parsed.frontmatterState.rawValue), .text(values.metadataJSON),
                      .text(values.keys.folder), .text(values.keys.permalink), .text(values.keys.title),
                      .text(values.keys.path), .text(values.keys.stem)]),
        ]
        if !knownAbsent { statements += removeChildren(path) }
        statements += childInsert(
            "observations(note_id, category, content, context, tags, line, utf8_start, utf8_end, utf16_start, utf16_end)",
            path: path, rows: values.observations)
        statements += childInsert(
            "links(note_id, type, target, target_key, target_permalink, alias, context, is_inline, line, utf8_start, utf8_end, utf16_start, utf16_end)",
            path: path, rows: values.links)
        statements += childInsert("tags(note_id, tag)", path: path, rows: values.tags)
        statements += childInsert("note_aliases(note_id, alias, alias_key)", path: path, rows: values.aliases)
        return statements
    }

    /// Records the deletion (in the change feed and the note's history, which stays) and removes
    /// every other row of the note (nothing when it is not indexed).
    static func remove(path: String, origin: VersionOrigin, device: String, at now: Int64) -> [SQLStatement] {
        let path = SQLValue.text(path)
        return [SQLStatement("""
                INSERT INTO changes(path, op, checksum, version, device, at)
                SELECT path, 'deleted', NULL, version + 1, ?, ? FROM notes WHERE path = ?
                """, [.text(device), .integer(now), path]),
                SQLStatement("""
                INSERT INTO note_versions(path, version, checksum, device, at, size, origin, bytes)
                SELECT path, version + 1, NULL, ?, ?, 0, ?, NULL FROM notes WHERE path = ?
                """, [.text(device), .integer(now), .text(origin.rawValue), path])]
            + removeChildren(path)
            + [SQLStatement("DELETE FROM notes_fts WHERE rowid = (SELECT id FROM notes WHERE path = ?)", [path]),
               SQLStatement("DELETE FROM notes WHERE path = ?", [path])]
    }

    /// A new size and mtime for unchanged content: no version, no change record.
    static func stamp(_ update: StampUpdate) -> SQLStatement {
        SQLStatement("UPDATE notes SET size = ?, mtime = ? WHERE path = ?",
                     [.integer(update.size), .integer(update.mtime), .text(update.path)])
    }

    /// Fails its transaction (NOT NULL) unless the note's version is `baseVersion` (0: absent).
    /// Fails (NOT NULL) unless the note is at `baseVersion` (0: absent) and, when given, has `baseChecksum`.
    static func versionGuard(path: String, baseVersion: Int64, baseChecksum: String? = nil) -> SQLStatement {
        SQLStatement(
            "INSERT INTO cas_guard(ok) VALUES ((SELECT 1 WHERE COALESCE((SELECT version FROM notes WHERE path = ?1), 0) = ?2 "
                + "AND (?3 IS NULL OR (SELECT checksum FROM notes WHERE path = ?1) = ?3)))",
            [.text(path), .integer(baseVersion), baseChecksum.map(SQLValue.text) ?? .null])
    }

    static let clearGuard = SQLStatement("DELETE FROM cas_guard")

    static func selectRecord(path: String) -> SQLStatement {
        SQLStatement("SELECT \(NoteRecord.columns) FROM notes WHERE path = ?", [.text(path)])
    }

    private static func removeChildren(_ path: SQLValue) -> [SQLStatement] {
        [
            SQLStatement("DELETE FROM observations WHERE note_id = (SELECT id FROM notes WHERE path = ?)", [path]),
            SQLStatement("DELETE FROM links WHERE note_id = (SELECT id FROM notes WHERE path = ?)", [path]),
            SQLStatement("DELETE FROM tags WHERE note_id = (SELECT id FROM notes WHERE path = ?)", [path]),
            SQLStatement("DELETE FROM note_aliases WHERE note_id = (SELECT id FROM notes WHERE path = ?)", [path]),
        ]
    }

    /// Inserts child rows of the note at `path`, its id looked up once per statement:
    /// `INSERT … SELECT id, column1, … FROM (VALUES (…), (…))`.
    private static func childInsert(_ target: String, path: SQLValue, rows: [[SQLValue]]) -> [SQLStatement] {
        guard let width = rows.first?.count else { return [] }
        let placeholder = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        let columns = (1...width).map { "column\($0)" }.joined(separator: ", ")
        return stride(from: 0, to: rows.count, by: rowsPerInsert).map { start in
            let chunk = rows[start..<min(start + rowsPerInsert, rows.count)]
            let values = Array(repeating: placeholder, count: chunk.count).joined(separator: ", ")
            return SQLStatement("INSERT INTO \(target) SELECT (SELECT id FROM notes WHERE path = ?), \(columns) FROM (VALUES \(values))",
                                [path] + chunk.flatMap { $0 })
        }
    }

}
