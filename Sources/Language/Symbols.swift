import Foundation
import JSON
import LSP
import Notes

/// `textDocument/documentSymbol` and `workspace/symbol`.
package enum Symbols {
    package static let workspaceLimit = 100

    /// The note's outline: nested `DocumentSymbol`s, or flat `SymbolInformation` for clients
    /// without hierarchy support.
    package static func document(_ note: NoteSnapshot, encoding: PositionEncoding, hierarchical: Bool) -> JSONValue {
        let roots = Outline(note: note, encoding: encoding).roots
        return .array(hierarchical ? roots.map(\.json) : roots.flatMap { $0.information(uri: note.uri) }.map(\.json))
    }

    /// Notes a search for `query` finds, as file symbols in their folder; none for a blank query.
    package static func workspace(query: String, queries: some NoteQueries) throws -> [SymbolInformation] {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        return try queries.notes(matching: query, limit: workspaceLimit).map { note in
            SymbolInformation(name: note.title, kind: .file, location: Location(uri: queries.uri(of: note.path), range: .top),
                              containerName: (note.path as NSString).deletingLastPathComponent)
        }
    }
}
