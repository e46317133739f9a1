import Notes

/// How a link's written target names a note, so a rename can rewrite it in the same style.
public enum LinkNaming: Sendable, Hashable {
    case title, path, stem, permalink
}

/// A permalink held by more than one note.
public struct DuplicatePermalink: Sendable, Hashable {
    public var permalink: String
    public var paths: [String]
}

/// What the whole-vault check finds.
public struct VaultProblems: Sendable, Hashable {
    public var unresolvedLinks: [LinkRecord]
    public var duplicatePermalinks: [DuplicatePermalink]
    public var isEmpty: Bool { unresolvedLinks.isEmpty && duplicatePermalinks.isEmpty }
}

/// A note's stored body and observations, for hover.
public struct NotePreview: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var category: String
        public var content: String
    }

    public var body: String
    public var observations: [Item]
    /// The note's frontmatter aliases.
    public var aliases: [String] = []
}

/// A `[[` completion choice: a note, named by its title or by one of its aliases.
public struct LinkCandidate: Sendable, Hashable {
    public var note: NoteRecord
    /// The alias that matched the query; nil when the note matched by title, permalink or file name.
    public var alias: String?
}

extension NoteIndex {
    /// Notes for `[[` completion, best first, each by its title or by one of its aliases (a note
    /// may appear once per matching name): exact name, name prefix, permalink or file-name
    /// prefix, a word of the name starting with the query, substring, then any note whose title,
    /// alias or permalink holds the query's characters in order. An empty query lists recent notes.
    public func linkCandidates(matching query: String, limit: Int) throws(SQLError) -> [LinkCandidate] {
        let key = query.trimmingCharacters(in: .whitespaces).lowercased()
        let limitCount = max(0, limit)
        let limit = SQLValue.integer(Int64(limitCount))
        if key.isEmpty {
            return try executor.execute(SQLStatement(
                "SELECT \(NoteRecord.columns) FROM notes ORDER BY updated_at DESC, title_key LIMIT ?", [limit]))
                .rows.map { LinkCandidate(note: NoteRecord(row: $0), alias: nil) }
        }
        // Short queries match many names by prefix: index ranges answer them without a scan.
        let prefixed = try executor.execute(SQLStatement("""
            SELECT * FROM (
                SELECT \(NoteRecord.columns), NULL AS alias, title_key AS name_key FROM notes
                WHERE title_key >= ?1 AND title_key < ?2
                UNION ALL
                SELECT \(NoteRecord.columns), a.alias, a.alias_key FROM note_aliases a JOIN notes n ON n.id = a.note_id
                WHERE a.alias_key >= ?1 AND a.alias_key < ?2)
            ORDER BY name_key = ?1 DESC, length(name_key), name_key LIMIT ?3
            """, [.text(key), .text(key + "\u{10FFFF}"), limit])).rows.map(Self.linkCandidate)
        if prefixed.count == limitCount { return prefixed }
        let literal = Self.likeEscaped(key)
        let subsequence = "%" + key.map { Self.likeEscaped(String($0)) }.joined(separator: "%") + "%"
        return try executor.execute(SQLStatement("""
            SELECT * FROM (
                SELECT \(NoteRecord.columns), NULL AS alias, title_key AS name_key,
                       CASE WHEN title_key = ?1 THEN 0
                            WHEN title_key LIKE ?2 ESCAPE '\\' THEN 1
                            WHEN permalink_key LIKE ?2 ESCAPE '\\' OR stem_key LIKE ?2 ESCAPE '\\'
                                 OR permalink_key LIKE ?3 ESCAPE '\\' THEN 2
                            WHEN title_key LIKE ?4 ESCAPE '\\' THEN 3
                            WHEN title_key LIKE ?5 ESCAPE '\\' OR permalink_key LIKE ?5 ESCAPE '\\' THEN 4
                            ELSE 5 END AS rank
                FROM notes WHERE title_key LIKE ?6 ESCAPE '\\' OR permalink_key LIKE ?6 ESCAPE '\\'
                UNION ALL
                SELECT \(NoteRecord.columns), a.alias, a.alias_key,
                       CASE WHEN a.alias_key = ?1 THEN 0 WHEN a.alias_key LIKE ?2 ESCAPE '\\' THEN 1
                            WHEN a.alias_key LIKE ?4 ESCAPE '\\' THEN 3 WHEN a.alias_key LIKE ?5 ESCAPE '\\' THEN 4
                            ELSE 5 END
                FROM note_aliases a JOIN notes n ON n.id = a.note_id WHERE a.alias_key LIKE ?6 ESCAPE '\\')
            ORDER BY rank, length(name_key), name_key LIMIT ?7
            """, [.text(key), .text(literal + "%"), .text("%/" + literal + "%"), .text("% " + literal + "%"),
                  .text("%" + literal + "%"), .text(subsequence), limit])).rows.map(Self.linkCandidate)
    }

    /// The notes many link targets written in one note name (nil where none), in one round trip.
    public func resolve(links targets: [String], from sourcePath: String) throws(SQLError) -> [NoteRecord?] {
        guard !targets.isEmpty else { return [] }
        return try executor.executeMany(targets.map { Self.resolveStatement(target: $0, from: sourcePath) })
            .map { $0.rows.first.map { NoteRecord(row: $0) } }
    }

    /// The paths of notes other than `path` whose permalink is `permalink` (case-insensitive).
    public func paths(sharingPermalink permalink: String, except path: String) throws(SQLError) -> [String] {
        try executor.execute(SQLStatement("SELECT path FROM notes WHERE permalink_key = ? AND path <> ? ORDER BY path",
                                          [.text(permalink.lowercased()), .text(path)])).rows.map { $0.text(0) }
    }

    /// The indexed body text, observations and aliases of the note at `path`, in one round trip.
    public func preview(path: String) throws(SQLError) -> NotePreview {
        let results = try executor.executeMany([
            SQLStatement("SELECT f.body FROM notes n JOIN notes_fts f ON f.rowid = n.id WHERE n.path = ?", [.text(path)]),
            SQLStatement("""
                SELECT category, content FROM observations WHERE note_id = (SELECT id FROM notes WHERE path = ?)
                ORDER BY line, utf8_start
                """, [.text(path)]),
            SQLStatement("SELECT alias FROM note_aliases WHERE note_id = (SELECT id FROM notes WHERE path = ?) ORDER BY alias_key",
                         [.text(path)]),
        ])
        return NotePreview(body: results[0].rows.first?.text(0) ?? "",
                           observations: results[1].rows.map { NotePreview.Item(category: $0.text(0), content: $0.text(1)) },
                           aliases: results[2].rows.map { $0.text(0) })
    }

    /// Every link in the vault that names no note, and every permalink held by several notes.
    public func vaultProblems() throws(SQLError) -> VaultProblems {
        let results = try executor.executeMany([
            SQLStatement("""
                SELECT \(Self.linkColumns) FROM links l JOIN notes s ON s.id = l.note_id WHERE NOT EXISTS (
                    SELECT 1 FROM notes n WHERE n.permalink_key = l.target_key OR n.permalink_key = l.target_permalink
                        OR n.title_key = l.target_key OR n.path_key = l.target_key OR n.stem_key = l.target_key)
                    AND NOT EXISTS (SELECT 1 FROM note_aliases a WHERE a.alias_key = l.target_key)
                ORDER BY s.path, l.line, l.utf8_start
                """),
            SQLStatement("""
                SELECT permalink, path FROM notes WHERE permalink_key IN
                    (SELECT permalink_key FROM notes GROUP BY permalink_key HAVING count(*) > 1)
                ORDER BY permalink_key, path
                """),
        ])
        var duplicates: [DuplicatePermalink] = []
        for row in results[1].rows {
            if let last = duplicates.last, last.permalink.lowercased() == row.text(0).lowercased() {
                duplicates[duplicates.count - 1].paths.append(row.text(1))
            } else {
                duplicates.append(DuplicatePermalink(permalink: row.text(0), paths: [row.text(1)]))
            }
        }
        return VaultProblems(unresolvedLinks: results[0].rows.map(Self.link), duplicatePermalinks: duplicates)
    }

    /// How `target`, written in the note at `sourcePath`, names `note`; nil when it does not.
    /// Checked in the order a writer most likely meant: title, path, file name, permalink.
    public static func naming(of target: String, from sourcePath: String?, path: String, permalink: String,
                              title: String) -> LinkNaming? {
        let key = LinkKeys.key(of: target, from: sourcePath)
        let keys = LinkKeys.noteKeys(path: path, permalink: permalink, title: title)
        if key == keys.title { return .title }
        if key == keys.path { return .path }
        if key == keys.stem { return .stem }
        if key == keys.permalink || LinkKeys.permalinkKey(of: target, from: sourcePath) == keys.permalink { return .permalink }
        return nil
    }

    private static func linkCandidate(_ row: [SQLValue]) -> LinkCandidate {
        LinkCandidate(note: NoteRecord(row: row), alias: row.optionalText(10))
    }

    private static func likeEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
