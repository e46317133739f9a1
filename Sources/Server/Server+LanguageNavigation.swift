import JSON
import JSONRPC
import Language

extension Server {
    /// `textDocument/definition`: the note a `[[link]]` names; null on an unresolved link or off a link.
    func definition(_ params: Params) async throws -> JSONValue {
        let (session, note, cursor) = try await located(params)
        return try await indexQuery("resolving a link", session) {
            try Navigation.definition(in: note, at: cursor, queries: IndexNoteQueries(session))?.json ?? .null
        }
    }

    /// `textDocument/references`: the backlinks of the linked note, or of this note off a link.
    func references(_ params: Params) async throws -> JSONValue {
        let (session, note, cursor) = try await located(params)
        let includeDeclaration = try params.optionalObject("context")?.optionalBool("includeDeclaration") ?? false
        let encoding = encoding
        return try await indexQuery("finding backlinks", session) {
            .array(try Navigation.references(in: note, at: cursor, includeDeclaration: includeDeclaration, encoding: encoding,
                                             queries: IndexNoteQueries(session)).map(\.json))
        }
    }

    /// `textDocument/hover` on a link: the target's title, type, first lines and observations.
    func hover(_ params: Params) async throws -> JSONValue {
        let (session, note, cursor) = try await located(params)
        let encoding = encoding
        return try await indexQuery("reading a linked note", session) {
            try Navigation.hover(in: note, at: cursor, encoding: encoding, queries: IndexNoteQueries(session))?.json ?? .null
        }
    }
}
