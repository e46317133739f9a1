import Testing
@testable import Index

@Suite struct LinkTests {
    static func vault(_ backend: Backend) throws -> NoteIndex {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("specs/API Design.md", Fixture.note(title: "API Design", body: "- depends_on [[Data Model]]\n- [decision] Use JSON #api"))
        try index.put("specs/data-model.md", Fixture.note(title: "Data Model", body: "See [[API Design]] and [[Missing Note]]."))
        try index.put("people/Ada.md", Fixture.note(title: "Ada Lovelace", tags: ["people"], body: "- works_on [[specs/API Design]]"))
        // Same stem in two folders: the linking note's folder wins.
        try index.put("a/Overview.md", Fixture.note(title: "Overview A", body: "[[overview]]"))
        try index.put("b/Overview.md", Fixture.note(title: "Overview B", body: "[[Overview]]"))
        return index
    }

    @Test(arguments: Backends.all)
    func resolvesByPermalinkTitlePathAndStemIgnoringCase(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try index.resolve(link: "specs/api-design", from: nil)?.path == "specs/API Design.md")   // permalink
        #expect(try index.resolve(link: "data model", from: nil)?.path == "specs/data-model.md")         // title
        #expect(try index.resolve(link: "SPECS/API Design.md", from: nil)?.path == "specs/API Design.md") // path
        #expect(try index.resolve(link: "Ada", from: nil)?.path == "people/Ada.md")                       // stem
        #expect(try index.resolve(link: "ada lovelace", from: nil)?.path == "people/Ada.md")
        #expect(try index.resolve(link: "memory://specs/data-model", from: nil)?.path == "specs/data-model.md")
        #expect(try index.resolve(link: "./Ada.md", from: "people/x.md")?.path == "people/Ada.md")
        #expect(try index.resolve(link: "../specs/data-model.md", from: "people/x.md")?.path == "specs/data-model.md")
        #expect(try index.resolve(link: "Nobody", from: nil) == nil)
        #expect(try index.resolve(link: "overview", from: "b/x.md")?.path == "b/Overview.md")
        #expect(try index.resolve(link: "overview", from: "a/x.md")?.path == "a/Overview.md")
    }

    @Test(arguments: Backends.all)
    func permalinkBeatsTitle(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("x/first.md", Fixture.note(title: "second", body: ""))
        try index.put("x/second.md", Fixture.note(title: "Other", body: ""))
        // "x/second" is the permalink of x/second.md and also nothing's title.
        #expect(try index.resolve(link: "x/second", from: nil)?.path == "x/second.md")
        // "second" is x/first.md's title and x/second.md's stem: title wins over stem.
        #expect(try index.resolve(link: "second", from: nil)?.path == "x/first.md")
    }

    @Test(arguments: Backends.all)
    func backlinksFollowTheSameRule(backend: Backend) throws {
        let index = try Self.vault(backend)
        let toAPI = try index.backlinks(to: "specs/API Design.md")
        #expect(toAPI.map(\.sourcePath) == ["people/Ada.md", "specs/data-model.md"])
        #expect(toAPI.map(\.type) == ["works_on", "links_to"])
        #expect(toAPI[1].target == "API Design")
        #expect(toAPI[1].isInline)
        #expect(toAPI[1].span.line == 5)
        #expect(try index.backlinks(to: "specs/data-model.md").map(\.sourcePath) == ["specs/API Design.md"])
        // Each Overview note links to "overview": it resolves to the note in its own folder.
        #expect(try index.backlinks(to: "a/Overview.md").map(\.sourcePath) == ["a/Overview.md"])
        #expect(try index.backlinks(to: "b/Overview.md").map(\.sourcePath) == ["b/Overview.md"])
        #expect(try index.backlinks(to: "nowhere.md").isEmpty)
    }

    @Test(arguments: Backends.all)
    func unresolvedLinksBecomeResolvedWhenTheTargetAppears(backend: Backend) throws {
        let index = try Self.vault(backend)
        #expect(try index.unresolvedLinks(in: "specs/data-model.md").map(\.target) == ["Missing Note"])
        try index.put("Missing Note.md", Fixture.note(title: "Missing Note", body: ""))
        #expect(try index.unresolvedLinks(in: "specs/data-model.md").isEmpty)
        #expect(try index.backlinks(to: "Missing Note.md").map(\.sourcePath) == ["specs/data-model.md"])
    }

    @Test(arguments: Backends.all)
    func completionListsTagsTypesCategoriesAndTitles(backend: Backend) throws {
        let index = try Self.vault(backend)
        let tags = try index.tags()
        #expect(tags.contains { $0.tag == "people" && $0.count == 1 })
        #expect(tags.contains { $0.tag == "api" })
        #expect(try index.relationTypes() == ["depends_on", "works_on"])
        #expect(try index.categories() == ["decision"])
        #expect(try index.titles(matching: "over", limit: 10).map(\.title) == ["Overview A", "Overview B"])
        #expect(try index.titles(matching: "AD", limit: 10).map(\.path) == ["people/Ada.md"])
        #expect(try index.titles(matching: "", limit: 2).count == 2)
        #expect(try index.links(from: "specs/data-model.md").map(\.target) == ["API Design", "Missing Note"])
    }

    @Test(arguments: Backends.all)
    func previewAndVaultProblemsReadTheChildTables(backend: Backend) throws {
        let index = try Self.vault(backend)
        let preview = try index.preview(path: "specs/API Design.md")
        #expect(preview.body.contains("depends_on [[Data Model]]"))
        #expect(preview.observations.map(\.category) == ["decision"])
        try index.put("elsewhere/API Design.md", Fixture.note(title: "Other", body: "---"))
        _ = try index.executor.execute(SQLStatement(
            "UPDATE notes SET permalink = 'specs/api-design', permalink_key = 'specs/api-design' WHERE path = 'elsewhere/API Design.md'"))
        let problems = try index.vaultProblems()
        #expect(problems.unresolvedLinks.map(\.sourcePath) == ["specs/data-model.md"])
        #expect(problems.duplicatePermalinks.map(\.paths) == [["elsewhere/API Design.md", "specs/API Design.md"]])
    }

    @Test(arguments: Backends.all)
    func markdownLinksToFilesThatAreNotNotesAreNoLinks(backend: Backend) throws {
        let index = try NoteIndex(executor: backend.fresh())
        try index.put("readme.md", Fixture.note(title: "Readme", body: "See [the licence](LICENSE), [code](a.py) and [gone](gone.md)."))
        #expect(try index.links(from: "readme.md").map(\.target) == ["gone.md"])
        #expect(try index.vaultProblems().unresolvedLinks.map(\.target) == ["gone.md"])
    }
}
