import JSON
import JSONRPC
import Language

extension Server {
    /// `textDocument/completion`: notes after `[[`, tags after `#`, relation types after `- `,
    /// observation categories after `- [` (see `Completion`).
    func completion(_ params: Params) async throws -> JSONValue {
        let (session, note, cursor) = try await located(params)
        let encoding = encoding
        return try await indexQuery("completing", session) {
            try Completion.list(in: note, at: cursor, encoding: encoding, queries: IndexNoteQueries(session)).json
        }
    }
}
