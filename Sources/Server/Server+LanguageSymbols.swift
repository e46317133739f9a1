import JSON
import JSONRPC
import Language

extension Server {
    /// `textDocument/documentSymbol`: the note's outline (see `Outline`), nested when the client
    /// supports it.
    func documentSymbol(_ params: Params) async throws -> JSONValue {
        let note = try await snapshot(params, session: try session())
        let hierarchical = clientCapability(["textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"])?.boolValue ?? false
        return Symbols.document(note, encoding: encoding, hierarchical: hierarchical)
    }

    /// `workspace/symbol`: notes matching the query, as file symbols.
    func workspaceSymbol(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let query = try params.string("query")
        return try await indexQuery("searching", session) {
            .array(try Symbols.workspace(query: query, queries: IndexNoteQueries(session)).map(\.json))
        }
    }
}
