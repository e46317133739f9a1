import Index
import Language
import Notes
import Vault

/// The language features' questions, answered by the vault's index. Blocking, like the index.
struct IndexNoteQueries: NoteQueries {
    let session: VaultContext
    var index: NoteIndex { session.index }

    init(_ session: VaultContext) { self.session = session }

    func resolve(link target: String, from sourcePath: String) throws -> NoteSummary? {
        try index.resolve(link: target, from: sourcePath).map(Self.summary)
    }

    func resolve(links targets: [String], from sourcePath: String) throws -> [NoteSummary?] {
        try index.resolve(links: targets, from: sourcePath).map { $0.map(Self.summary) }
    }

    func linkChoices(matching query: String, limit: Int) throws -> [LinkChoice] {
        try index.linkCandidates(matching: query, limit: limit).map { LinkChoice(note: Self.summary($0.note), alias: $0.alias) }
    }

    func tags() throws -> [TagUse] { try index.tags().map { TagUse(tag: $0.tag, count: $0.count) } }

    func relationTypes() throws -> [String] { try index.relationTypes() }

    func categories() throws -> [String] { try index.categories() }

    func backlinks(to path: String) throws -> [Backlink] {
        try index.backlinks(to: path).map { Backlink(sourcePath: $0.sourcePath, span: $0.span) }
    }

    func overview(of path: String) throws -> NoteOverview {
        let preview = try index.preview(path: path)
        return NoteOverview(body: preview.body, observations: preview.observations.map { .init(category: $0.category, content: $0.content) },
                            aliases: preview.aliases)
    }

    func paths(sharingPermalink permalink: String, except path: String) throws -> [String] {
        try index.paths(sharingPermalink: permalink, except: path)
    }

    func notes(matching query: String, limit: Int) throws -> [NoteSummary] {
        try index.search(SearchRequest(text: query, limit: limit)).hits.map {
            NoteSummary(path: $0.path, title: $0.title, type: $0.type, permalink: $0.permalink)
        }
    }

    func uri(of path: String) -> String { session.uri(path) }

    func linkForm(of target: String, from sourcePath: String, naming note: NoteSummary) -> LinkForm? {
        switch NoteIndex.naming(of: target, from: sourcePath, path: note.path, permalink: note.permalink, title: note.title) {
        case .title: .title
        case .path: .path
        case .stem: .stem
        case .permalink: .permalink
        case nil: nil
        }
    }

    static func summary(_ record: NoteRecord) -> NoteSummary {
        NoteSummary(path: record.path, title: record.title, type: record.type, permalink: record.permalink)
    }
}
