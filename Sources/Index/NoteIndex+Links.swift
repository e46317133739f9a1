import Notes

extension NoteIndex {
    /// The note a link target names, by the rule in `LinkKeys` (permalink, title, alias, path, stem).
    public func resolve(link target: String, from sourcePath: String?) throws(SQLError) -> NoteRecord? {
        try executor.execute(Self.resolveStatement(target: target, from: sourcePath)).rows.first.map { NoteRecord(row: $0) }
    }

    /// Every link, in any note, that resolves to the note at `path`.
    public func backlinks(to path: String) throws(SQLError) -> [LinkRecord] {
        guard let note = try executor.execute(SQLStatement(
            "SELECT permalink_key, title_key, path_key, stem_key FROM notes WHERE path = ?", [.text(path)])).rows.first
        else { return [] }
        let keys = (0..<4).map { note.text($0) }
        let candidates = try executor.execute(SQLStatement(
            "SELECT \(Self.linkColumns) FROM links l JOIN notes s ON s.id = l.note_id WHERE l.target_key IN (?, ?, ?, ?) OR l.target_permalink = ? "
                + "OR l.target_key IN (SELECT alias_key FROM note_aliases WHERE note_id = (SELECT id FROM notes WHERE path = ?)) "
                + "ORDER BY s.path, l.line, l.utf8_start",
            keys.map(SQLValue.text) + [.text(keys[0]), .text(path)])).rows.map(Self.link)
        // A candidate may name a better match elsewhere; check each distinct (target, folder) once.
        struct Question: Hashable { var target: String; var folder: String }
        let questions = Array(Set(candidates.map { Question(target: $0.target, folder: LinkKeys.folder(of: $0.sourcePath)) }))
        let answers = try executor.executeMany(questions.map { question in
            Self.resolveStatement(target: question.target, from: question.folder + "/x.md")
        })
        var resolvesHere = Set<Question>()
        for (question, answer) in zip(questions, answers) where answer.rows.first?.text(0) == path {
            resolvesHere.insert(question)
        }
        return candidates.filter { resolvesHere.contains(Question(target: $0.target, folder: LinkKeys.folder(of: $0.sourcePath))) }
    }

    /// The links and relations written in the note at `path`, in text order.
    public func links(from path: String) throws(SQLError) -> [LinkRecord] {
        try executor.execute(SQLStatement(
            "SELECT \(Self.linkColumns) FROM links l JOIN notes s ON s.id = l.note_id WHERE s.path = ? ORDER BY l.line, l.utf8_start",
            [.text(path)])).rows.map(Self.link)
    }

    /// The links in the note at `path` whose target names no indexed note.
    public func unresolvedLinks(in path: String) throws(SQLError) -> [LinkRecord] {
        try executor.execute(SQLStatement("""
            SELECT \(Self.linkColumns) FROM links l JOIN notes s ON s.id = l.note_id WHERE s.path = ? AND NOT EXISTS (
                SELECT 1 FROM notes n WHERE n.permalink_key = l.target_key OR n.permalink_key = l.target_permalink
                    OR n.title_key = l.target_key OR n.path_key = l.target_key OR n.stem_key = l.target_key)
                AND NOT EXISTS (SELECT 1 FROM note_aliases a WHERE a.alias_key = l.target_key)
            ORDER BY l.line, l.utf8_start
            """, [.text(path)])).rows.map(Self.link)
    }

    /// Every tag with the number of notes carrying it, most used first.
    public func tags() throws(SQLError) -> [(tag: String, count: Int)] {
        try executor.execute(SQLStatement("SELECT tag, count(*) AS uses FROM tags GROUP BY tag ORDER BY uses DESC, tag"))
            .rows.map { (tag: $0.text(0), count: Int($0.integer(1))) }
    }

    /// Relation types in use (not `links_to`), for completion.
    public func relationTypes() throws(SQLError) -> [String] {
        try executor.execute(SQLStatement("SELECT DISTINCT type FROM links WHERE is_inline = 0 ORDER BY type"))
            .rows.map { $0.text(0) }
    }

    /// Observation categories in use.
    public func categories() throws(SQLError) -> [String] {
        try executor.execute(SQLStatement("SELECT DISTINCT category FROM observations ORDER BY category")).rows.map { $0.text(0) }
    }

    /// Notes whose title starts with `prefix` (case-insensitive), shortest titles first, for `[[` completion.
    public func titles(matching prefix: String, limit: Int) throws(SQLError) -> [NoteRecord] {
        let key = prefix.lowercased()
        return try executor.execute(SQLStatement("""
            SELECT \(NoteRecord.columns) FROM notes WHERE title_key >= ? AND title_key < ?
            ORDER BY length(title), title_key LIMIT ?
            """, [.text(key), .text(key + "\u{10FFFF}"), .integer(Int64(max(0, limit)))])).rows.map { NoteRecord(row: $0) }
    }

    /// Columns of `links l` joined with its note `notes s`, as `link(_:)` reads them.
    static let linkColumns = "s.path, l.type, l.target, l.alias, l.context, l.is_inline, l.line, l.utf8_start, l.utf8_end, l.utf16_start, l.utf16_end"

    static func link(_ row: [SQLValue]) -> LinkRecord {
        LinkRecord(sourcePath: row.text(0), type: row.text(1), target: row.text(2), alias: row.optionalText(3),
                   context: row.optionalText(4), isInline: row.integer(5) != 0,
                   span: TextSpan(line: Int(row.integer(6)), utf8: Int(row.integer(7))..<Int(row.integer(8)),
                                  utf16: Int(row.integer(9))..<Int(row.integer(10))))
    }

    static func resolveStatement(target: String, from sourcePath: String?) -> SQLStatement {
        let key = LinkKeys.key(of: target, from: sourcePath)
        let permalink = LinkKeys.permalinkKey(of: target, from: sourcePath)
        let folder = sourcePath.map(LinkKeys.folder(of:)) ?? ""
        return SQLStatement("""
            SELECT \(NoteRecord.columns),
                   CASE WHEN permalink_key = ?1 OR permalink_key = ?2 THEN 0 WHEN title_key = ?1 THEN 1
                        WHEN id IN (SELECT note_id FROM note_aliases WHERE alias_key = ?1) THEN 2
                        WHEN path_key = ?1 THEN 3 ELSE 4 END AS level
            FROM notes WHERE permalink_key = ?1 OR permalink_key = ?2 OR title_key = ?1 OR path_key = ?1 OR stem_key = ?1
                OR id IN (SELECT note_id FROM note_aliases WHERE alias_key = ?1)
            ORDER BY level, folder = ?3 DESC, length(path), path LIMIT 1
            """, [.text(key), .text(permalink), .text(folder)])
    }
}
