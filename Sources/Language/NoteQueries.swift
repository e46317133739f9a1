import Notes

/// What the language features need to know about the vault beyond the note in hand. The server
/// answers from the index (`IndexNoteQueries`); unit tests answer from a dictionary.
///
/// Every call may block on the index: the server runs features off the cooperative pool.
package protocol NoteQueries: Sendable {
    /// The note a link target written in `sourcePath` names (permalink, title, alias, path, stem).
    func resolve(link target: String, from sourcePath: String) throws -> NoteSummary?
    /// `resolve(link:from:)` for many targets in one round trip, in order.
    func resolve(links targets: [String], from sourcePath: String) throws -> [NoteSummary?]
    /// Notes for `[[` completion, best first, each named by its title or one of its aliases.
    func linkChoices(matching query: String, limit: Int) throws -> [LinkChoice]
    /// Every tag with the number of notes carrying it, most used first.
    func tags() throws -> [TagUse]
    /// Relation types in use (not `links_to`).
    func relationTypes() throws -> [String]
    /// Observation categories in use.
    func categories() throws -> [String]
    /// Every link, in any note, that resolves to the note at `path`.
    func backlinks(to path: String) throws -> [Backlink]
    /// A note's body start, observations and aliases, for hover.
    func overview(of path: String) throws -> NoteOverview
    /// Other notes whose permalink is `permalink`.
    func paths(sharingPermalink permalink: String, except path: String) throws -> [String]
    /// Notes a search for `query` finds, best first (workspace symbols).
    func notes(matching query: String, limit: Int) throws -> [NoteSummary]
    /// The document URI of a note path.
    func uri(of path: String) -> String
    /// How `target`, written in the note at `sourcePath`, names `note`; nil when it does not.
    func linkForm(of target: String, from sourcePath: String, naming note: NoteSummary) -> LinkForm?
}

/// What the features show of a note.
package struct NoteSummary: Sendable, Hashable {
    package var path: String
    package var title: String
    package var type: String
    package var permalink: String

    package init(path: String, title: String, type: String, permalink: String) {
        self.path = path
        self.title = title
        self.type = type
        self.permalink = permalink
    }
}

/// A `[[` completion choice: a note, by its title or by the alias that matched.
package struct LinkChoice: Sendable, Hashable {
    package var note: NoteSummary
    package var alias: String?

    package init(note: NoteSummary, alias: String? = nil) {
        self.note = note
        self.alias = alias
    }
}

package struct TagUse: Sendable, Hashable {
    package var tag: String
    package var count: Int

    package init(tag: String, count: Int) {
        self.tag = tag
        self.count = count
    }
}

/// A link to a note, where it is written.
package struct Backlink: Sendable, Hashable {
    package var sourcePath: String
    package var span: TextSpan

    package init(sourcePath: String, span: TextSpan) {
        self.sourcePath = sourcePath
        self.span = span
    }
}

/// A note's stored body, observations (category, content) and aliases.
package struct NoteOverview: Sendable, Hashable {
    package struct Observation: Sendable, Hashable {
        package var category: String
        package var content: String

        package init(category: String, content: String) {
            self.category = category
            self.content = content
        }
    }

    package var body: String
    package var observations: [Observation]
    package var aliases: [String]

    package init(body: String, observations: [Observation] = [], aliases: [String] = []) {
        self.body = body
        self.observations = observations
        self.aliases = aliases
    }
}
