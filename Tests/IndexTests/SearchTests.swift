import Testing
@testable import Index

@Suite struct SearchTests {
    /// A small vault: titles and bodies chosen so each operator has exactly one right answer.
    static func vault(_ backend: Backend) throws -> NoteIndex {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("projects/swift-server.md", Fixture.note(title: "Swift Server", type: "project", tags: ["swift", "server"],
                                                               body: "A server written in Swift with SQLite underneath."))
        try index.put("projects/rust-cli.md", Fixture.note(title: "Rust CLI", type: "project", tags: ["rust"],
                                                           body: "A command line tool; no Swift here, only Rust."))
        try index.put("journal/monday.md", Fixture.note(title: "Monday", type: "journal", tags: ["swift"],
                                                        body: "Paired on the swift server. Lunch was bagels."))
        try index.put("journal/tuesday.md", Fixture.note(title: "Tuesday", type: "journal",
                                                         body: "Reading about databases and full text search."))
        try index.put("archive/old/notes.md", Fixture.note(title: "Old Notes", body: "Bagels recipe, sourdough starter."))
        return index
    }

    func paths(_ index: NoteIndex, _ text: String, type: String? = nil, tag: String? = nil, folder: String? = nil) throws -> [String] {
        try index.search(SearchRequest(text: text, type: type, tag: tag, folder: folder)).hits.map(\.path)
    }

    @Test(arguments: Backends.all)
    func wordsArePrefixesAndAnded(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try Set(paths(index, "serv")) == ["projects/swift-server.md", "journal/monday.md"])
        #expect(try paths(index, "bagel sourdough") == ["archive/old/notes.md"])
        #expect(try index.search(SearchRequest(text: "bagel sourdough")).retriedWithOr == false)
    }

    @Test(arguments: Backends.all)
    func noHitsRetriesWithOrAndSaysSo(backend: Backend) throws {
        let index = try Self.vault(backend)
        let results = try index.search(SearchRequest(text: "lunch databases"))
        #expect(results.retriedWithOr)
        #expect(Set(results.hits.map(\.path)) == ["journal/monday.md", "journal/tuesday.md"])
        let nothing = try index.search(SearchRequest(text: "zebra quokka"))
        #expect(nothing.hits.isEmpty)
    }

    @Test(arguments: Backends.all)
    func phrasesNegationAndOperators(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try paths(index, "\"full text search\"") == ["journal/tuesday.md"])
        #expect(try paths(index, "\"text full\"").isEmpty)
        #expect(try Set(paths(index, "swift -server")) == ["projects/rust-cli.md"])
        #expect(try Set(paths(index, "lunch OR sourdough")) == ["journal/monday.md", "archive/old/notes.md"])
        #expect(try paths(index, "bagels AND lunch") == ["journal/monday.md"])
        #expect(try paths(index, "bagels NOT lunch") == ["archive/old/notes.md"])
        #expect(try Set(paths(index, "(lunch OR sourdough) bagels")) == ["journal/monday.md", "archive/old/notes.md"])
        // With an explicit operator, bare words are whole words; `*` makes a prefix.
        #expect(try paths(index, "bagel OR zebra").isEmpty)
        #expect(try paths(index, "bagel* AND recipe") == ["archive/old/notes.md"])
    }

    @Test(arguments: Backends.all)
    func invalidSyntaxNeverThrows(backend: Backend) throws {
        let index = try Self.vault(backend)
        for text in ["\"unbalanced", "AND", "OR", "NOT", "*", "(", ")", "NEAR(", "NEAR(a b", "a OR NOT b", "\"\"", "-", "{body}: x",
                     "body:bagels", "^bagels", "bagels)", "'; DROP TABLE notes; --", String(repeating: "(", count: 200)] {
            _ = try index.search(SearchRequest(text: text))
        }
        #expect(try paths(index, "\"bagels") .count == 2)
        #expect(try paths(index, "body:bagels").isEmpty)
        #expect(try index.count("notes") == 5)
    }

    @Test(arguments: Backends.all)
    func titleHitsRankAboveBodyHits(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        for number in 0..<30 {
            try index.put("body\(number).md", Fixture.note(title: "Note \(number)", body: "mentions kestrel kestrel kestrel in passing"))
        }
        try index.put("zzz.md", Fixture.note(title: "Kestrel", body: "a small falcon"))
        let hits = try index.search(SearchRequest(text: "kestrel", limit: 5)).hits
        #expect(hits.first?.path == "zzz.md")
        #expect(hits.count == 5)
        #expect(hits[0].score >= hits[1].score || hits[0].path == "zzz.md")
    }

    @Test(arguments: Backends.all)
    func filtersByTypeTagAndFolder(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try Set(paths(index, "swift", type: "journal")) == ["journal/monday.md"])
        #expect(try Set(paths(index, "type:project swift")) == ["projects/swift-server.md", "projects/rust-cli.md"])
        #expect(try Set(paths(index, "tag:swift")) == ["projects/swift-server.md", "journal/monday.md"])
        #expect(try paths(index, "server", tag: "SWIFT").count == 2)
        #expect(try paths(index, "bagels in:archive") == ["archive/old/notes.md"])
        #expect(try paths(index, "bagels", folder: "archive/old/") == ["archive/old/notes.md"])
        #expect(try paths(index, "bagels", folder: "arch").isEmpty)
        #expect(try paths(index, "in:journal -bagels") == ["journal/tuesday.md"])
    }

    @Test(arguments: Backends.all)
    func limitAndOffsetPage(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        for number in 0..<12 {
            try index.put("n\(number).md", Fixture.note(title: "Heron \(number)", body: "heron"))
        }
        var seen: [String] = []
        for page in 0..<3 {
            let hits = try index.search(SearchRequest(text: "heron", limit: 5, offset: page * 5)).hits
            #expect(hits.count == (page < 2 ? 5 : 2))
            seen += hits.map(\.path)
        }
        #expect(Set(seen).count == 12)
        // An empty page past the end is not a reason to retry with OR.
        #expect(try index.search(SearchRequest(text: "heron 3", limit: 5, offset: 50)).retriedWithOr == false)
    }

    @Test(arguments: Backends.all)
    func snippetsHighlightTheMatchesInUTF16(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        let filler = (0..<40).map { "word\($0)" }.joined(separator: " ")
        try index.put("a.md", Fixture.note(title: "A", body: "\(filler) 🙂 Café kestrels nest here. \(filler)"))
        let hit = try #require(try index.search(SearchRequest(text: "kestrel cafe")).hits.first)
        #expect(hit.snippet.hasPrefix("…"))
        #expect(hit.snippet.hasSuffix("…"))
        let utf16 = Array(hit.snippet.utf16)
        let marked = hit.matchRanges.map { String(decoding: utf16[$0], as: UTF16.self) }
        #expect(marked == ["Café", "kestrels"])
    }
}
