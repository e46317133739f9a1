extension NoteIndex {
    /// Full-text search. Notes whose title matches come first, then notes matching in the body;
    /// each tier is ranked by bm25 (title weighted ten times the body). For speed on very common
    /// words each tier ranks at most `candidateCap` matches, the most recently indexed ones.
    public func search(_ request: SearchRequest) throws(SQLError) -> SearchResults {
        let query = SearchQuery(request.text)
        do throws(SQLError) {
            return try search(query, request)
        } catch .statement {
            // Defence in depth: the parser only emits valid FTS5, but a query must never fail on syntax.
            return try search(SearchQuery(plainWords: request.text), request)
        }
    }

    private func search(_ query: SearchQuery, _ request: SearchRequest) throws(SQLError) -> SearchResults {
        guard let expression = query.expression, let positive = query.positiveExpression else {
            let filters = SearchFilters(query: query, request: request, firstPlaceholder: 1)
            guard query.negativeExpression != nil || !filters.isEmpty else { return SearchResults(hits: [], retriedWithOr: false) }
            return SearchResults(hits: try list(excluding: query.negativeExpression, query, request), retriedWithOr: false)
        }
        let titleExpression = query.negativeExpression == nil ? "{title} : (\(positive))" : "(\(expression)) AND {title} : (\(positive))"
        let hits = try rankedHits(expression: expression, titleExpression: titleExpression, query, request)
        guard hits.isEmpty, let orExpression = query.orExpression, try !anyMatch(expression, query, request) else {
            return SearchResults(hits: hits, retriedWithOr: false)
        }
        let retried = try rankedHits(expression: orExpression, titleExpression: "{title} : (\(orExpression))", query, request)
        return SearchResults(hits: retried, retriedWithOr: true)
    }

    /// How many matches each tier ranks at most (bm25 costs about two microseconds per row).
    static let candidateCap = 100

    private func rankedHits(expression: String, titleExpression: String, _ query: SearchQuery,
                            _ request: SearchRequest) throws(SQLError) -> [SearchHit] {
        let filters = SearchFilters(query: query, request: request, firstPlaceholder: 6)
        let join = filters.isEmpty ? "" : "CROSS JOIN notes n ON n.id = notes_fts.rowid"
        let condition = filters.isEmpty ? "" : "AND " + filters.sql
        let sql = """
            WITH t AS (SELECT notes_fts.rowid AS id, rank AS r FROM notes_fts \(join)
                       WHERE notes_fts MATCH ?1 \(condition) ORDER BY notes_fts.rowid DESC LIMIT ?3),
                 b AS (SELECT notes_fts.rowid AS id, rank AS r FROM notes_fts \(join)
                       WHERE notes_fts MATCH ?2 \(condition) ORDER BY notes_fts.rowid DESC LIMIT ?3),
                 hits AS (SELECT id, r, 0 AS tier FROM t UNION ALL SELECT id, r, 1 FROM b WHERE id NOT IN (SELECT id FROM t)),
                 page AS (SELECT id, r, tier FROM hits ORDER BY tier, r LIMIT ?4 OFFSET ?5)
            SELECT n.path, n.permalink, n.title, n.type, page.r, (SELECT body FROM notes_fts WHERE rowid = page.id)
            FROM page CROSS JOIN notes n ON n.id = page.id ORDER BY page.tier, page.r
            """
        let arguments: [SQLValue] = [.text(titleExpression), .text(expression), .integer(Int64(Self.candidateCap)),
                                     .integer(Int64(max(0, request.limit))), .integer(Int64(max(0, request.offset)))]
        return try executor.execute(SQLStatement(sql, arguments + filters.arguments)).rows.map { row in
            let snippet = Snippet(body: row.text(5), terms: query.highlightTerms)
            return SearchHit(path: row.text(0), permalink: row.text(1), title: row.text(2), type: row.text(3),
                             snippet: snippet.text, matchRanges: snippet.ranges, score: -row.real(4))
        }
    }

    /// Whether anything matches at all (an empty page past the end is not a reason to retry with OR).
    private func anyMatch(_ expression: String, _ query: SearchQuery, _ request: SearchRequest) throws(SQLError) -> Bool {
        let filters = SearchFilters(query: query, request: request, firstPlaceholder: 2)
        let join = filters.isEmpty ? "" : "CROSS JOIN notes n ON n.id = notes_fts.rowid"
        let condition = filters.isEmpty ? "" : "AND " + filters.sql
        let sql = "SELECT 1 FROM notes_fts \(join) WHERE notes_fts MATCH ?1 \(condition) LIMIT 1"
        let rows = try executor.execute(SQLStatement(sql, [.text(expression)] + filters.arguments))
        return !rows.rows.isEmpty
    }

    /// Notes that pass the filters and match none of the negated terms, by title.
    private func list(excluding negative: String?, _ query: SearchQuery,
                      _ request: SearchRequest) throws(SQLError) -> [SearchHit] {
        var arguments: [SQLValue] = [.integer(Int64(max(0, request.limit))), .integer(Int64(max(0, request.offset)))]
        var conditions: [String] = []
        if let negative {
            arguments.append(.text(negative))
            conditions.append("n.id NOT IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?3)")
        }
        let filters = SearchFilters(query: query, request: request, firstPlaceholder: arguments.count + 1)
        if !filters.isEmpty { conditions.append(filters.sql) }
        let sql = """
            SELECT n.path, n.permalink, n.title, n.type, (SELECT body FROM notes_fts WHERE rowid = n.id)
            FROM notes n \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY n.title_key, n.path LIMIT ?1 OFFSET ?2
            """
        return try executor.execute(SQLStatement(sql, arguments + filters.arguments)).rows.map { row in
            SearchHit(path: row.text(0), permalink: row.text(1), title: row.text(2), type: row.text(3),
                      snippet: Snippet(body: row.text(4), terms: []).text, matchRanges: [], score: 0)
        }
    }
}

/// The type, tag and folder conditions of a search, on the `notes n` row, with numbered
/// placeholders from `firstPlaceholder` on (the statement owns those before it).
struct SearchFilters {
    var sql = ""
    var arguments: [SQLValue] = []
    var isEmpty: Bool { sql.isEmpty }

    init(query: SearchQuery, request: SearchRequest, firstPlaceholder: Int) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        func placeholder(_ value: String) -> String {
            arguments.append(.text(value))
            return "?\(firstPlaceholder + arguments.count - 1)"
        }
        let types = query.types + (request.type.map { [$0] } ?? [])
        if !types.isEmpty {
            conditions.append("n.type COLLATE NOCASE IN (" + types.map(placeholder).joined(separator: ", ") + ")")
        }
        for tag in query.tags + (request.tag.map { [$0] } ?? []) {
            conditions.append("n.id IN (SELECT note_id FROM tags WHERE tag = \(placeholder(tag)))")
        }
        let folders = (query.folders + (request.folder.map { [$0] } ?? []))
            .map { $0.split(separator: "/").joined(separator: "/") }
        if !folders.isEmpty, !folders.contains("") {
            conditions.append("(" + folders.map { folder in
                let value = placeholder(folder)
                return "n.folder = \(value) OR substr(n.folder, 1, length(\(value)) + 1) = \(value) || '/'"
            }.joined(separator: " OR ") + ")")
        }
        sql = conditions.joined(separator: " AND ")
        self.arguments = arguments
    }
}
