import JSON
@testable import Language
import LSP
import Testing

private let note = snapshot("# 日本\n\n- [fact] one\n\n## Sub\n", path: "work/today.md")

@Test func documentSymbolsAreNestedForHierarchicalClients() throws {
    let symbols = Symbols.document(note, encoding: .utf16, hierarchical: true)
    let top = try #require(symbols.arrayValue?.first)
    #expect(top["name"] == "日本")
    #expect(top["selectionRange"] == LSPRange(line: 0, start: 0, end: 4).json)
    #expect(top["children"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Observations", "Sub"])
}

@Test func documentSymbolsAreFlatWithContainersOtherwise() throws {
    let symbols = try #require(Symbols.document(note, encoding: .utf8, hierarchical: false).arrayValue)
    #expect(symbols.compactMap { $0["name"]?.stringValue } == ["日本", "Observations", "[fact] one", "Sub"])
    #expect(symbols[0]["location"] == Location(uri: "file:///vault/work/today.md", range: LSPRange(line: 0, start: 0, end: 8)).json)
    #expect(symbols[3]["containerName"] == "日本")
    #expect(symbols[0]["children"] == nil)
}

@Test func workspaceSymbolsAreMatchingNotesAsFilesInTheirFolder() throws {
    let vault = FakeNoteQueries(notes: [project, plan])
    #expect(try Symbols.workspace(query: "  ", queries: vault).isEmpty)
    let found = try Symbols.workspace(query: "proj", queries: vault)
    #expect(found == [SymbolInformation(name: "Project", kind: .file, location: Location(uri: "file:///vault/work/project.md", range: .top),
                                        containerName: "work")])
}
