import JSON
import JSONRPC
import LSP
import Vault
import Workspace

extension VaultContext {
    /// The note a request names by `uri`, `path` or `textDocument.uri`.
    func resolve(_ params: Params) throws(ResponseError) -> ResolvedPath {
        try resolve(params.decode(NoteTarget.init))
    }

    /// The note a typed request names; a path outside the root (or not a path) is -32602.
    func resolve(_ target: NoteTarget) throws(ResponseError) -> ResolvedPath {
        do throws(PathError) {
            switch target.name {
            case .uri(let uri): return try root.resolve(uri: uri)
            case .path(let path): return try root.resolve(relativePath: path)
            }
        } catch {
            throw .invalidParams("\(target.within.isEmpty ? "" : target.within + ".")path: \(error)")
        }
    }
}

extension Server {
    typealias RequestHandler = @Sendable (Server, Params) async throws -> JSONValue

    /// A typed `notes/*` handler as a dispatch entry: decode the params (-32602 naming the field
    /// at fault), run, encode the result.
    static func handler<Request: NotesRequest>(
        _ run: @escaping @Sendable (Server, Request) async throws -> Request.Response
    ) -> RequestHandler {
        { server, params in try await run(server, params.decode(Request.init)).json }
    }
}
