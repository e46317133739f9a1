import Foundation
import JSON
import Notes

/// The SQL that writes or removes one note. A caller puts these in one transaction, maybe behind
/// a compare-and-swap guard, maybe with other notes.
enum NoteWriteStatements {
    /// Rows per multi-row INSERT; keeps the parameter count far below SQLite's limit.
    private static let rowsPerInsert = 50

    /// Records the change (which fixes the new version), then replaces the note row, its
    /// observations, links, tags and full-text row.
    static func upsert(_ write: NoteWrite, device: String, at now: Int64) -> [SQLStatement] {
        let path = SQLValue.text(write.path)
        let parsed = write.parsed
        let keys = LinkKeys.noteKeys(path: write.path, permalink: parsed.permalink, title: parsed.title)
        var statements = [
            SQLStatement("""
                INSERT INTO changes(path, op, checksum, version, device, at)
                SELECT ?1, CASE WHEN n.version IS NULL THEN 'created' ELSE 'changed' END, ?2,
                       COALESCE(n.version, (SELECT MAX(version) FROM changes WHERE path = ?1), 0) + 1, ?3, ?4
                FROM (SELECT 1) LEFT JOIN notes n ON n.path = ?1
                """, [path, .text(write.checksum), .text(device), .integer(now)]),
            SQLStatement("""
                INSERT INTO notes(path, permalink, title, type, checksum, size, mtime, version, updated_at, updated_by,
                                  frontmatter_state, metadata, folder, permalink_key, title_key, path_key, stem_key)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT MAX(version) FROM changes WHERE path = ?1), ?8, ?9,
                        ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                ON CONFLICT(path) DO UPDATE SET
                    permalink = excluded.permalink, title = excluded.title, type = excluded.type,
                    checksum = excluded.checksum, size = excluded.size, mtime = excluded.mtime,
                    version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
                    frontmatter_state = excluded.frontmatter_state, metadata = excluded.metadata,
                    folder = excluded.folder, permalink_key = excluded.permalink_key, title_key = excluded.title_key,
                    path_key = excluded.path_key, stem_key = excluded.stem_key
                """, [path, .text(parsed.permalink), .text(parsed.title), .text(parsed.type), .text(write.checksum),
                      .integer(write.size), .integer(write.mtime), .integer(now), .text(device),
                      .text(parsed.frontmatterState.rawValue), .text(metadataJSON(parsed.metadata)),
                      .text(keys.folder), .text(keys.permalink), .text(keys.title), .text(keys.path), .text(keys.stem)]),
        ]
        statements += removeChildren(path)
        statements.append(SQLStatement(
            "INSERT INTO notes_fts(rowid, title, body) VALUES ((SELECT id FROM notes WHERE path = ?), ?, ?)",
            [path, .text(searchable(parsed.title)), .text(searchable(parsed.body))]))
        statements += multiRowInsert(
            "observations(path, category, content, context, tags, line, utf8_start, utf8_end, utf16_start, utf16_end)",
            columns: 10,
            rows: parsed.observations.map { observation in
                [path, .text(observation.category), .text(observation.content), observation.context.map(SQLValue.text) ?? .null,
                 .text(observation.tags.joined(separator: " "))] + spanValues(observation.span)
            })
        statements += multiRowInsert(
            "links(source_path, type, target, target_key, target_permalink, alias, context, is_inline, line, utf8_start, utf8_end, utf16_start, utf16_end)",
            columns: 13,
            rows: parsed.relations.map { relation in
                [path, .text(relation.type), .text(relation.target),
                 .text(LinkKeys.key(of: relation.target, from: write.path)),
                 .text(LinkKeys.permalinkKey(of: relation.target, from: write.path)),
                 relation.alias.map(SQLValue.text) ?? .null, relation.context.map(SQLValue.text) ?? .null,
                 .integer(relation.isInline ? 1 : 0)] + spanValues(relation.span)
            })
        statements += multiRowInsert("tags(path, tag)", columns: 2, rows: uniqueIgnoringCase(parsed.tags).map { [path, .text($0)] })
        return statements
    }

    /// Records the deletion and removes every row of the note (nothing when it is not indexed).
    static func remove(path: String, device: String, at now: Int64) -> [SQLStatement] {
        let path = SQLValue.text(path)
        return [SQLStatement("""
                INSERT INTO changes(path, op, checksum, version, device, at)
                SELECT path, 'deleted', NULL, version + 1, ?, ? FROM notes WHERE path = ?
                """, [.text(device), .integer(now), path])]
            + removeChildren(path)
            + [SQLStatement("DELETE FROM notes WHERE path = ?", [path])]
    }

    /// A new size and mtime for unchanged content: no version, no change record.
    static func stamp(_ update: StampUpdate) -> SQLStatement {
        SQLStatement("UPDATE notes SET size = ?, mtime = ? WHERE path = ?",
                     [.integer(update.size), .integer(update.mtime), .text(update.path)])
    }

    /// Fails its transaction (NOT NULL) unless the note's version is `baseVersion` (0: absent).
    static func versionGuard(path: String, baseVersion: Int64) -> SQLStatement {
        SQLStatement("INSERT INTO cas_guard(ok) VALUES ((SELECT 1 WHERE COALESCE((SELECT version FROM notes WHERE path = ?), 0) = ?))",
                     [.text(path), .integer(baseVersion)])
    }

    static let clearGuard = SQLStatement("DELETE FROM cas_guard")

    static func selectRecord(path: String) -> SQLStatement {
        SQLStatement("SELECT \(NoteRecord.columns) FROM notes WHERE path = ?", [.text(path)])
    }

    private static func removeChildren(_ path: SQLValue) -> [SQLStatement] {
        [
            SQLStatement("DELETE FROM observations WHERE path = ?", [path]),
            SQLStatement("DELETE FROM links WHERE source_path = ?", [path]),
            SQLStatement("DELETE FROM tags WHERE path = ?", [path]),
            SQLStatement("DELETE FROM notes_fts WHERE rowid = (SELECT id FROM notes WHERE path = ?)", [path]),
        ]
    }

    private static func multiRowInsert(_ target: String, columns: Int, rows: [[SQLValue]]) -> [SQLStatement] {
        let placeholder = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return stride(from: 0, to: rows.count, by: rowsPerInsert).map { start in
            let chunk = rows[start..<min(start + rowsPerInsert, rows.count)]
            let values = Array(repeating: placeholder, count: chunk.count).joined(separator: ", ")
            return SQLStatement("INSERT INTO \(target) VALUES \(values)", chunk.flatMap { $0 })
        }
    }

    private static func spanValues(_ span: TextSpan) -> [SQLValue] {
        [.integer(Int64(span.line)), .integer(Int64(span.utf8.lowerBound)), .integer(Int64(span.utf8.upperBound)),
         .integer(Int64(span.utf16.lowerBound)), .integer(Int64(span.utf16.upperBound))]
    }

    private static func metadataJSON(_ metadata: [String: String]) -> String {
        JSONValue.object(metadata.mapValues(JSONValue.string)).serializedString()
    }

    private static func uniqueIgnoringCase(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Text for the full-text table without the two control characters snippets use as markers.
    private static func searchable(_ text: String) -> String {
        guard text.contains(where: { $0 == SnippetMarkers.open || $0 == SnippetMarkers.close }) else { return text }
        return String(text.filter { $0 != SnippetMarkers.open && $0 != SnippetMarkers.close })
    }
}

/// The characters snippet() wraps around a match; stripped from indexed text.
enum SnippetMarkers {
    static let open: Character = "\u{1}"
    static let close: Character = "\u{2}"
}
