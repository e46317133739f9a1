import LSP
import Notes

/// Definition, references and hover: what a `[[link]]` under the cursor leads to.
package enum Navigation {
    /// The note the link under the cursor names; nil on an unresolved link or off a link.
    package static func definition(in note: NoteSnapshot, at cursor: Cursor, queries: some NoteQueries) throws -> Location? {
        guard let link = note.relation(at: cursor), let target = try queries.resolve(link: link.target, from: note.path) else {
            return nil
        }
        return Location(uri: queries.uri(of: target.path), range: .top)
    }

    /// On a link, the backlinks of the note it names; elsewhere, the backlinks of this note.
    /// Ranges come from the stored spans; `includeDeclaration` adds the top of the target.
    package static func references(in note: NoteSnapshot, at cursor: Cursor, includeDeclaration: Bool, encoding: PositionEncoding,
                                   queries: some NoteQueries) throws -> [Location] {
        let target = try note.relation(at: cursor).map { try queries.resolve(link: $0.target, from: note.path)?.path } ?? note.path
        guard let target else { return [] }
        let backlinks = try queries.backlinks(to: target).map { link in
            Location(uri: queries.uri(of: link.sourcePath), range: NoteSnapshot.range(of: link.span, encoding: encoding))
        }
        return (includeDeclaration ? [Location(uri: queries.uri(of: target), range: .top)] : []) + backlinks
    }

    /// On a link: the target's title, type, first lines and observations, or a line saying no
    /// note has that name yet. Nil off a link.
    package static func hover(in note: NoteSnapshot, at cursor: Cursor, encoding: PositionEncoding,
                              queries: some NoteQueries) throws -> Hover? {
        guard let link = note.relation(at: cursor) else { return nil }
        let markdown = try queries.resolve(link: link.target, from: note.path).map { target in
            HoverText.markdown(note: target, overview: try queries.overview(of: target.path))
        } ?? "No note is named **\(HoverText.escaped(link.target))** yet."
        return Hover(markdown: markdown, range: NoteSnapshot.range(of: link.span, encoding: encoding))
    }
}
