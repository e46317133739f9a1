@testable import Language
import Notes

/// The vault as the features see it, from dictionaries: notes resolve by title or permalink
/// (case-insensitive), URIs are `file:///vault/<path>`.
struct FakeNoteQueries: NoteQueries {
    var notes: [NoteSummary] = []
    var aliases: [String: String] = [:]   // alias -> path
    var tagUses: [TagUse] = []
    var types: [String] = []
    var categoryNames: [String] = []
    var linksTo: [String: [Backlink]] = [:]   // target path -> backlinks
    var overviews: [String: NoteOverview] = [:]
    var permalinkHolders: [String: [String]] = [:]   // permalink -> paths

    func resolve(link target: String, from sourcePath: String) throws -> NoteSummary? {
        let key = target.lowercased()
        return notes.first { $0.title.lowercased() == key || $0.permalink == key || $0.path == aliases[target] }
    }

    func resolve(links targets: [String], from sourcePath: String) throws -> [NoteSummary?] {
        try targets.map { try resolve(link: $0, from: sourcePath) }
    }

    func linkChoices(matching query: String, limit: Int) throws -> [LinkChoice] {
        let key = query.lowercased()
        let byTitle = notes.filter { key.isEmpty || $0.title.lowercased().hasPrefix(key) }.map { LinkChoice(note: $0) }
        let byAlias = aliases.filter { $0.key.lowercased().hasPrefix(key) }.sorted { $0.key < $1.key }.compactMap { alias, path in
            notes.first { $0.path == path }.map { LinkChoice(note: $0, alias: alias) }
        }
        return Array((byTitle + byAlias).prefix(limit))
    }

    func tags() throws -> [TagUse] { tagUses }
    func relationTypes() throws -> [String] { types }
    func categories() throws -> [String] { categoryNames }
    func backlinks(to path: String) throws -> [Backlink] { linksTo[path] ?? [] }
    func overview(of path: String) throws -> NoteOverview { overviews[path] ?? NoteOverview(body: "") }

    func paths(sharingPermalink permalink: String, except path: String) throws -> [String] {
        (permalinkHolders[permalink] ?? []).filter { $0 != path }
    }

    func notes(matching query: String, limit: Int) throws -> [NoteSummary] {
        Array(notes.filter { $0.title.lowercased().contains(query.lowercased()) }.prefix(limit))
    }

    func uri(of path: String) -> String { "file:///vault/" + path }

    /// Simpler than the index's rules (no relative paths, no normalisation beyond case and `.md`).
    func linkForm(of target: String, from sourcePath: String, naming note: NoteSummary) -> LinkForm? {
        let key = target.lowercased()
        let path = note.path.lowercased()
        if key == note.title.lowercased() { return .title }
        if key == path || key + ".md" == path { return .path }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        if key == fileName || key + ".md" == fileName { return .stem }
        if key == note.permalink || key == "memory://" + note.permalink { return .permalink }
        return nil
    }
}

let project = NoteSummary(path: "work/project.md", title: "Project", type: "note", permalink: "work/project")
let plan = NoteSummary(path: "work/plan.md", title: "Plan", type: "spec", permalink: "work/plan")

/// A snapshot of `text` as the note `path`.
func snapshot(_ text: String, path: String = "today.md") -> NoteSnapshot {
    NoteSnapshot(path: path, uri: "file:///vault/" + path, text: text, openVersion: nil)
}
