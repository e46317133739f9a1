import Foundation
import JSON
import JSONRPC
import Language
import LSP
import Notes
import Vault

extension Server {
    /// `textDocument/documentSymbol`: headings nested by level, each with its observations and
    /// relations grouped as children; flat SymbolInformation for clients without hierarchy support.
    func documentSymbol(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let note = try await snapshot(params, session: session)
        let outline = Outline(note: note, encoding: encoding)
        let hierarchical = clientCapability(["textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"])?.boolValue ?? false
        return .array(hierarchical ? outline.roots.map(\.documentSymbol) : outline.roots.flatMap { $0.information(uri: note.uri) })
    }
}
