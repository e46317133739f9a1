import Foundation
import Index
import JSON
import JSONRPC
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

/// The markdown a hover shows for a note.
enum HoverText {
    static let proseLines = 5
    static let listedObservations = 5

    static func markdown(record: NoteRecord, preview: NotePreview) -> String {
        var parts = ["**\(escaped(record.title))** · \(escaped(record.type))  \n`\(record.path)`"]
        if !preview.aliases.isEmpty { parts[0] += "  \nAliases: " + preview.aliases.map(escaped).joined(separator: ", ") }
        let prose = firstLines(of: preview.body, title: record.title)
        if !prose.isEmpty { parts.append(prose.joined(separator: "\n")) }
        if !preview.observations.isEmpty {
            var counts: [String: Int] = [:]
            for item in preview.observations { counts[item.category, default: 0] += 1 }
            let summary = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \(escaped($0.key))" }
            var lines = ["**Observations** (\(preview.observations.count)): " + summary.joined(separator: ", ")]
            lines += preview.observations.prefix(listedObservations).map { "- [\(escaped($0.category))] \(clipped($0.content))" }
            if preview.observations.count > listedObservations { lines.append("- …") }
            parts.append(lines.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The first lines of prose: not blank, not the `# Title` heading, not list items, stopping at the
    /// first section heading after some prose.
    static func firstLines(of body: String, title: String) -> [String] {
        var lines: [String] = []
        for raw in body.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#"), line.drop(while: { $0 == "#" }).first?.isWhitespace ?? true {
                if !lines.isEmpty { break }
                continue
            }
            if line.hasPrefix("- ") || line.hasPrefix("* ") { continue }
            lines.append(clipped(line))
            if lines.count == proseLines { break }
        }
        return lines
    }

    static func clipped(_ text: String, to limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Text safe to show inside markdown emphasis.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "*_`[]\\<>".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
