import Testing
@testable import Index

/// Queries the fuzzer (Fuzz/Targets/search.swift) found to fail, kept as regressions: each must
/// search without an error on a real FTS5 index.
@Suite struct SearchFuzzFindingsTests {
    static let queries: [String: String] = [
        "NUL bytes (FTS5 reads a NUL as the end of the query)": "a AND\0\0 (b OR c) NOT d",
        "a quote joined to a combining mark (was left unescaped)": "N\"\u{07F0}x c*",
        "quoted combining marks": "\"\u{301}quoted\u{301}\" -\"\u{301}",
        "20,000 nested parentheses (overflowed the stack)":
            String(repeating: "(", count: 20_000) + "deep" + String(repeating: ")", count: 20_000),
        "5,000 unclosed groups": String(repeating: "(a OR ", count: 5_000) + "b",
        "100 nested parentheses (too deep for FTS5's parser)":
            String(repeating: "(", count: 100) + "deep" + String(repeating: ")", count: 100),
    ]

    @Test(arguments: queries.keys.sorted())
    func searchNeverFails(name: String) throws {
        let query = Self.queries[name]!
        let index = try NoteIndex(executor: SQLiteExecutor(path: ":memory:"))
        try index.put("n.md", Fixture.note(title: "Note", body: "a b c d deep quoted"))
        _ = try index.search(SearchRequest(text: query))
        let parsed = SearchQuery(query)
        for expression in [parsed.expression, parsed.positiveExpression, parsed.negativeExpression, parsed.orExpression] {
            guard let expression else { continue }
            _ = try index.executor.execute(SQLStatement("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1", [.text(expression)]))
        }
    }

    @Test func quotesAreDoubledByteByByte() {
        #expect(SearchQuery.quoted("a\"\u{301}b") == "\"a\"\"\u{301}b\"")
    }
}
