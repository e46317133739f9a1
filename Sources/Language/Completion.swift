import LSP
import Notes

/// `textDocument/completion`: notes after `[[`, tags after `#`, relation types after `- `,
/// observation categories after `- [`.
package enum Completion {
    package static let linkLimit = 50
    static let tagLimit = 200

    package static func list(in note: NoteSnapshot, at cursor: Cursor, encoding: PositionEncoding,
                             queries: some NoteQueries) throws -> CompletionList {
        let inBody = note.parsed.frontmatterState != .valid || cursor.line >= note.parsed.bodyStartLine
        guard let context = CompletionContext.find(line: note.lineBytes(cursor.line), cursor: cursor.byte, inBody: inBody) else {
            return CompletionList()
        }
        func edit(_ replace: Range<Int>, _ newText: String) -> LSPTextEdit {
            LSPTextEdit(range: note.lspRange(line: cursor.line, bytes: replace, encoding: encoding), newText: newText)
        }
        switch context {
        case .link(let query, let replace):
            let choices = try queries.linkChoices(matching: query, limit: linkLimit)
            // The client filters on the typed text; every candidate was already chosen for it.
            // An alias inserts `Title|Alias`: the link names the note by title, which every tool
            // reading the vault resolves (Basic Memory itself knows no aliases), and reads as the alias.
            let items = choices.enumerated().map { rank, choice in
                let note = choice.note
                let label = choice.alias ?? note.title
                return CompletionItem(label: label, kind: .reference, detail: choice.alias == nil ? note.path : "alias of \(note.title)",
                                      rank: rank, filterText: query + label,
                                      textEdit: edit(replace, (choice.alias.map { note.title + "|" + $0 } ?? note.title) + "]]"),
                                      labelDescription: note.path, documentation: "\(note.type) · \(note.permalink)")
            }
            return CompletionList(isIncomplete: choices.count >= linkLimit || !query.isEmpty, items: items)
        case .tag(let prefix, let replace):
            let items = try queries.tags().filter { startsWith($0.tag, prefix) }.prefix(tagLimit).enumerated().map { rank, use in
                CompletionItem(label: use.tag, kind: .value, detail: use.count == 1 ? "1 note" : "\(use.count) notes", rank: rank,
                               filterText: use.tag, textEdit: edit(replace, use.tag))
            }
            return CompletionList(items: Array(items))
        case .relationType(let prefix, let replace):
            let items = try queries.relationTypes().filter { startsWith($0, prefix) }.enumerated().map { rank, type in
                CompletionItem(label: type, kind: .keyword, detail: "relation type", rank: rank, filterText: type,
                               textEdit: edit(replace, type + " [["))
            }
            return CompletionList(items: items)
        case .category(let prefix, let replace, let closed):
            let items = try queries.categories().filter { startsWith($0, prefix) }.enumerated().map { rank, category in
                CompletionItem(label: category, kind: .enumMember, detail: "observation category", rank: rank, filterText: category,
                               textEdit: edit(replace, category + (closed ? "]" : "] ")))
            }
            return CompletionList(items: items)
        }
    }

    /// Case-insensitive prefix match; an empty prefix matches everything.
    private static func startsWith(_ name: String, _ prefix: String) -> Bool {
        prefix.isEmpty || name.lowercased().hasPrefix(prefix.lowercased())
    }
}
