import Foundation
import Index
import JSON
import JSONRPC
import Language
import Notes
import Vault

/// What the text before the cursor asks to complete, with the byte columns the choice replaces.
enum CompletionContext: Equatable {
    /// `[[query` — a note; `replace` runs to the closing `]]` when there is one.
    case link(query: String, replace: Range<Int>)
    /// `#prefix` — a tag.
    case tag(prefix: String, replace: Range<Int>)
    /// `- prefix` at the start of a list item — a relation type.
    case relationType(prefix: String, replace: Range<Int>)
    /// `- [prefix` — an observation category; `replace` takes in a `]` already there.
    case category(prefix: String, replace: Range<Int>, closed: Bool)

    /// Reads the line around byte column `cursor`; `inBody` is false inside the frontmatter.
    static func find(line bytes: [UInt8], cursor: Int, inBody: Bool) -> CompletionContext? {
        let cursor = min(max(0, cursor), bytes.count)
        let before = bytes[..<cursor]
        let after = bytes[cursor...]
        if let open = lastOpenLink(before) {
            let typed = bytes[(open + 2)..<cursor]
            guard !typed.contains(UInt8(ascii: "|")) else { return nil }  // typing an alias
            var end = cursor
            if let close = find([UInt8(ascii: "]"), UInt8(ascii: "]")], in: after),
               find([UInt8(ascii: "["), UInt8(ascii: "[")], in: after).map({ $0 > close }) ?? true,
               !bytes[cursor..<close].contains(UInt8(ascii: "|")) {
                end = close + 2
            }
            return .link(query: String(decoding: typed, as: UTF8.self), replace: (open + 2)..<end)
        }
        guard inBody else { return nil }
        var wordStart = cursor
        while wordStart > 0, isTagByte(bytes[wordStart - 1]) { wordStart -= 1 }
        let wordEnd = after.firstIndex { !isTagByte($0) } ?? bytes.count
        if wordStart > 0, bytes[wordStart - 1] == UInt8(ascii: "#"),
           wordStart == 1 || isBlank(bytes[wordStart - 2]) {
            return .tag(prefix: String(decoding: bytes[wordStart..<cursor], as: UTF8.self), replace: wordStart..<wordEnd)
        }
        var i = 0
        while i < cursor, isBlank(bytes[i]) { i += 1 }
        guard i + 1 < cursor, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "*") || bytes[i] == UInt8(ascii: "+"),
              bytes[i + 1] == UInt8(ascii: " ") else { return nil }
        let itemStart = i + 2
        if itemStart < cursor, bytes[itemStart] == UInt8(ascii: "[") {
            let typed = bytes[(itemStart + 1)..<cursor]
            guard !typed.contains(where: { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }) else { return nil }
            var end = after.firstIndex { $0 == UInt8(ascii: "]") || isBlank($0) } ?? bytes.count
            let closed = end < bytes.count && bytes[end] == UInt8(ascii: "]")
            if closed { end += 1 }
            return .category(prefix: String(decoding: typed, as: UTF8.self), replace: (itemStart + 1)..<end, closed: closed)
        }
        let typed = bytes[itemStart..<cursor]
        guard typed.allSatisfy(isTagByte) else { return nil }
        return .relationType(prefix: String(decoding: typed, as: UTF8.self), replace: itemStart..<wordEnd)
    }

    /// The `[[` before the cursor that no `]]` closes yet.
    private static func lastOpenLink(_ before: ArraySlice<UInt8>) -> Int? {
        var i = before.endIndex - 1
        while i > before.startIndex {
            if before[i] == UInt8(ascii: "]"), before[i - 1] == UInt8(ascii: "]") { return nil }
            if before[i] == UInt8(ascii: "["), before[i - 1] == UInt8(ascii: "[") { return i - 1 }
            i -= 1
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Bytes a tag or relation type is made of: anything but blanks and punctuation that ends a word.
    private static func isTagByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}

extension Server {
    static let linkCompletionLimit = 50

    /// `textDocument/completion`: notes after `[[`, tags after `#`, relation types after `- `,
    /// observation categories after `- [`.
    func completion(_ params: Params) async throws -> JSONValue {
        let session = try session()
        let note = try await snapshot(params, session: session)
        let cursor = try cursor(params, in: note)
        let inBody = note.parsed.frontmatterState != .valid || cursor.line >= note.parsed.bodyStartLine
        guard let context = CompletionContext.find(line: note.lineBytes(cursor.line), cursor: cursor.byte, inBody: inBody) else {
            return ["isIncomplete": false, "items": []]
        }
        let encoding = encoding
        func edit(_ replace: Range<Int>, _ newText: String) -> JSONValue {
            ["range": note.range(line: cursor.line, bytes: replace, encoding: encoding), "newText": .string(newText)]
        }
        func item(_ label: String, kind: Int, detail: String, rank: Int, filter: String, edit newText: String,
                  replace: Range<Int>) -> JSONValue {
            ["label": .string(label), "kind": JSONValue(kind), "detail": .string(detail),
             "sortText": .string(String(format: "%05d", rank)), "filterText": .string(filter),
             "textEdit": edit(replace, newText)]
        }

        switch context {
        case .link(let query, let replace):
            let notes = try await indexQuery("completing a link", session) {
                try session.index.linkCandidates(matching: query, limit: Self.linkCompletionLimit)
            }
            // The client filters on the typed text; every candidate was already chosen for it.
            // An alias inserts `Title|Alias`: the link names the note by title, which every tool
            // reading the vault resolves (Basic Memory itself knows no aliases), and reads as the alias.
            let items = notes.enumerated().map { rank, candidate in
                let record = candidate.note
                let label = candidate.alias ?? record.title
                var value = item(label, kind: 18, detail: candidate.alias == nil ? record.path : "alias of \(record.title)",
                                 rank: rank, filter: query + label,
                                 edit: (candidate.alias.map { record.title + "|" + $0 } ?? record.title) + "]]", replace: replace)
                value = value.merging(["labelDetails": ["description": .string(record.path)],
                                       "documentation": .string("\(record.type) · \(record.permalink)")])
                return value
            }
            return ["isIncomplete": .bool(notes.count >= Self.linkCompletionLimit || !query.isEmpty), "items": .array(items)]
        case .tag(let prefix, let replace):
            let tags = try await indexQuery("completing a tag", session) { try session.index.tags() }
            let wanted = prefix.lowercased()
            let items = tags.filter { wanted.isEmpty || $0.tag.lowercased().hasPrefix(wanted) }.prefix(200).enumerated()
                .map { rank, tag in
                    item(tag.tag, kind: 12, detail: tag.count == 1 ? "1 note" : "\(tag.count) notes", rank: rank, filter: tag.tag,
                         edit: tag.tag, replace: replace)
                }
            return ["isIncomplete": false, "items": .array(Array(items))]
        case .relationType(let prefix, let replace):
            let types = try await indexQuery("completing a relation", session) { try session.index.relationTypes() }
            let items = types.filter { prefix.isEmpty || $0.lowercased().hasPrefix(prefix.lowercased()) }.enumerated()
                .map { rank, type in
                    item(type, kind: 14, detail: "relation type", rank: rank, filter: type, edit: type + " [[", replace: replace)
                }
            return ["isIncomplete": false, "items": .array(items)]
        case .category(let prefix, let replace, let closed):
            let categories = try await indexQuery("completing a category", session) { try session.index.categories() }
            let items = categories.filter { prefix.isEmpty || $0.lowercased().hasPrefix(prefix.lowercased()) }.enumerated()
                .map { rank, category in
                    item(category, kind: 20, detail: "observation category", rank: rank, filter: category,
                         edit: category + (closed ? "]" : "] "), replace: replace)
                }
            return ["isIncomplete": false, "items": .array(items)]
        }
    }
}

extension JSONValue {
    /// This object with `other`'s members added (other wins).
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members.merge(other) { _, new in new }
        return .object(members)
    }
}
