import Testing
@testable import Index

@Suite struct AliasIndexTests {
    static func note(title: String, aliases: String, body: String = "") -> String {
        "---\ntitle: \(title)\naliases: \(aliases)\n---\n\n\(body)\n"
    }

    static func vault(_ backend: Backend) throws -> NoteIndex {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("people/Ada.md", note(title: "Ada Lovelace", aliases: "[Countess, Ádá, Enchantress of Numbers]"))
        try index.put("specs/Engine.md", note(title: "Analytical Engine", aliases: "Engine, AE"))
        try index.put("Journal.md", Fixture.note(title: "Journal", body: "Met [[countess]], read [[ÁDÁ]], saw [[ae]] and [[Nobody]]."))
        return index
    }

    @Test(arguments: Backends.all)
    func aLinkResolvesByAliasIgnoringCase(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try index.resolve(link: "Countess", from: nil)?.path == "people/Ada.md")
        #expect(try index.resolve(link: "ádá", from: nil)?.path == "people/Ada.md")
        #expect(try index.resolve(link: " enchantress of numbers ", from: nil)?.path == "people/Ada.md")
        #expect(try index.resolve(links: ["AE", "Nobody"], from: "Journal.md").map { $0?.path } == ["specs/Engine.md", nil])
        #expect(try index.unresolvedLinks(in: "Journal.md").map(\.target) == ["Nobody"])
        #expect(try index.vaultProblems().unresolvedLinks.map(\.target) == ["Nobody"])
        #expect(try index.backlinks(to: "people/Ada.md").map(\.target) == ["countess", "ÁDÁ"])
        #expect(try index.preview(path: "people/Ada.md").aliases == ["Countess", "Enchantress of Numbers", "Ádá"])
    }

    @Test(arguments: Backends.all)
    func aliasComesAfterTitleAndBeforeFileName(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("a/Titled.md", Fixture.note(title: "Shared", body: ""))
        try index.put("b/Aliased.md", Self.note(title: "Aliased", aliases: "[Shared, Engine]"))
        try index.put("c/Engine.md", Fixture.note(title: "Something Else", body: ""))
        #expect(try index.resolve(link: "shared", from: nil)?.path == "a/Titled.md")   // title beats alias
        #expect(try index.resolve(link: "engine", from: nil)?.path == "b/Aliased.md")  // alias beats file name
        #expect(try index.resolve(link: "c/engine", from: nil)?.path == "c/Engine.md")  // permalink still wins
    }

    @Test(arguments: Backends.all)
    func rewritingOrRemovingANoteReplacesItsAliases(backend: Backend) throws {
        let index = try Self.vault(backend)
        try index.put("people/Ada.md", Self.note(title: "Ada Lovelace", aliases: "[Lady Byron]"))
        #expect(try index.resolve(link: "Countess", from: nil) == nil)
        #expect(try index.resolve(link: "lady byron", from: nil)?.path == "people/Ada.md")
        try index.remove(path: "people/Ada.md", device: "test")
        #expect(try index.resolve(link: "lady byron", from: nil) == nil)
        #expect(try index.count("note_aliases") == 2)  // Engine's two
    }

    @Test(arguments: Backends.all)
    func anAliasEqualToTheTitleIsNotStoredTwice(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("x.md", Self.note(title: "Same", aliases: "[same, ' Same ', Other]"))
        #expect(try index.count("note_aliases") == 1)
        #expect(try index.linkCandidates(matching: "sam", limit: 10).map(\.alias) == [nil])
    }

    @Test(arguments: Backends.all)
    func completionOffersNotesByAliasRankedWithTitles(backend: Backend) throws {
        let index = try Self.vault(backend)
        try index.put("Count.md", Fixture.note(title: "Count", body: ""))
        // Prefix: the exact title first, then shorter names.
        let prefix = try index.linkCandidates(matching: "coun", limit: 10)
        #expect(prefix.map { $0.alias ?? $0.note.title } == ["Count", "Countess"])
        #expect(prefix[1].note.path == "people/Ada.md")
        let exact = try index.linkCandidates(matching: "Countess", limit: 10)
        #expect(exact.map(\.alias) == ["Countess"])
        // Fuzzy: a word of the alias, then letters in order.
        let fuzzy = try index.linkCandidates(matching: "numbers", limit: 10)
        #expect(fuzzy.map(\.alias) == ["Enchantress of Numbers"])
        let scattered = try index.linkCandidates(matching: "eon", limit: 10)
        #expect(scattered.contains { $0.alias == "Enchantress of Numbers" })
        #expect(try index.linkCandidates(matching: "ádá", limit: 10).map(\.alias) == ["Ádá"])
        // An empty query lists recent notes by title only.
        #expect(try index.linkCandidates(matching: "", limit: 10).allSatisfy { $0.alias == nil })
    }
}
