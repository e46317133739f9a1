import Foundation
import Index
import JSON
import JSONRPC
import Language
import Notes
import Vault

extension Server {
    /// `textDocument/definition`: the note a `[[link]]` names; null on an unresolved link or off a link.
    func definition(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let note = try await snapshot(params, session: session)
        guard let link = note.relation(at: try cursor(params, in: note)) else { return .null }
        let target = try await indexQuery("resolving a link", session) { try session.index.resolve(link: link.target, from: note.path) }
        return target.map { noteLocation($0.path, session: session) } ?? .null
    }

    /// `textDocument/references`: on a link, the backlinks of the note it names; elsewhere, the
    /// backlinks of this note. Ranges come from the index's stored spans.
    func references(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let note = try await snapshot(params, session: session)
        let link = note.relation(at: try cursor(params, in: note))
        let includeDeclaration = try params.optionalObject("context")?.optionalBool("includeDeclaration") ?? false
        let (target, backlinks) = try await indexQuery("finding backlinks", session) { () throws -> (String?, [LinkRecord]) in
            let path = try link.map { try session.index.resolve(link: $0.target, from: note.path)?.path } ?? note.path
            guard let path else { return (nil, []) }
            return (path, try session.index.backlinks(to: path))
        }
        guard let target else { return [] }
        let locations = backlinks.map { link -> JSONValue in ["uri": .string(session.uri(link.sourcePath)), "range": range(link.span)] }
        return .array((includeDeclaration ? [noteLocation(target, session: session)] : []) + locations)
    }

    /// `textDocument/hover` on a link: the target's title, type, first lines and observations.
    func hover(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let note = try await snapshot(params, session: session)
        guard let link = note.relation(at: try cursor(params, in: note)) else { return .null }
        let found = try await indexQuery("reading a linked note", session) { () throws -> (NoteRecord, NotePreview)? in
            guard let record = try session.index.resolve(link: link.target, from: note.path) else { return nil }
            return (record, try session.index.preview(path: record.path))
        }
        let markdown = found.map { HoverText.markdown(record: $0.0, preview: $0.1) }
            ?? "No note is named **\(HoverText.escaped(link.target))** yet."
        return ["contents": ["kind": "markdown", "value": .string(markdown)], "range": range(link.span)]
    }
}
