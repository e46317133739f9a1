import JSONRPC
import Vault
import Workspace

extension VaultContext {
    /// The note a request names by `uri`, `path` or `textDocument.uri`.
    func resolve(_ params: Params) throws(ResponseError) -> ResolvedPath {
        do {
            if let uri = try params.optionalString("uri") { return try root.resolve(uri: uri) }
            if let path = try params.optionalString("path") { return try root.resolve(relativePath: path) }
            if let document = try params.optionalObject("textDocument") {
                return try root.resolve(uri: try document.string("uri"))
            }
        } catch let error as PathError {
            throw .invalidParams("\(params.path.isEmpty ? "" : params.path + ".")path: \(error)")
        } catch let error as ResponseError {
            throw error
        } catch {
            throw .invalidParams("\(error)")
        }
        throw .invalidParams("\(params.path.isEmpty ? "" : params.path + ": ")expected one of uri, path, textDocument")
    }
}
