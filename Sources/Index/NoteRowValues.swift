import JSON
import Notes

/// The SQL values of one parsed note that do not depend on when or by whom it is written.
struct NoteRowValues: Sendable {
    var keys: LinkKeys.NoteKeys
    var metadataJSON: String
    var searchableTitle: String
    var searchableBody: String
    /// Child rows without their note id, which the insert looks up by path.
    var observations: [[SQLValue]]
    var links: [[SQLValue]]
    var tags: [[SQLValue]]
    var aliases: [[SQLValue]]

    init(path: String, parsed: ParsedNote) {
        keys = LinkKeys.noteKeys(path: path, permalink: parsed.permalink, title: parsed.title)
        metadataJSON = parsed.metadata.isEmpty ? "{}" : JSONValue.object(parsed.metadata.mapValues(JSONValue.string)).serializedString()
        searchableTitle = parsed.title
        searchableBody = parsed.body
        observations = parsed.observations.map { observation in
            [.text(observation.category), .text(observation.content), observation.context.map(SQLValue.text) ?? .null,
             .text(observation.tags.joined(separator: " "))] + Self.span(observation.span)
        }
        // A markdown link to a file that is not a note can never resolve to one: it is no link here
        // (no backlink, never "unresolved"), though the parser reports it as Basic Memory does.
        links = parsed.relations.filter { !$0.namesNonNoteFile }.map { relation in
            [.text(relation.type), .text(relation.target),
             .text(LinkKeys.key(of: relation.target, from: path)),
             .text(LinkKeys.permalinkKey(of: relation.target, from: path)),
             relation.alias.map(SQLValue.text) ?? .null, relation.context.map(SQLValue.text) ?? .null,
             .integer(relation.isInline ? 1 : 0)] + Self.span(relation.span)
        }
        var seen = Set<String>()
        tags = parsed.tags.filter { seen.insert($0.lowercased()).inserted }.map { [.text($0)] }
        aliases = LinkKeys.aliasKeys(parsed.aliases, title: parsed.title).map { [.text($0.alias), .text($0.key)] }
    }

    private static func span(_ span: TextSpan) -> [SQLValue] {
        [.integer(Int64(span.line)), .integer(Int64(span.utf8.lowerBound)), .integer(Int64(span.utf8.upperBound)),
         .integer(Int64(span.utf16.lowerBound)), .integer(Int64(span.utf16.upperBound))]
    }
}
