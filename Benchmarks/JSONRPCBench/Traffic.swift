import JSON

/// Realistic LSP messages, made here so the benchmark needs no files.
enum Traffic {
    /// A markdown note of about `size` bytes with quotes, tabs, non-ASCII and emoji to escape.
    static func document(size: Int) -> String {
        let lines = [
            "---\ntitle: Café \"Layout\" Ideas\ntype: note\ntags: [design, spaces]\n---\n",
            "# Café layout\n\nSome paragraph text that links to [[Seating Plan]] and [[Lighting]].\n",
            "- [idea] Move the counter nearer the window #design (from the \"Tuesday\" meeting)\n",
            "- [fact] Opening hours are 07:00–19:00 ☕️ #hours\n",
            "- relates_to [[Floor Plan 2024]]\n",
            "\tIndented code: let x = \"quoted\\path\";\n",
            "Emoji test 😀 and ünïcödé accents, plus a tab\tand a backslash \\ here.\n",
        ]
        var text = ""
        var i = 0
        while text.utf8.count < size {
            text += lines[i % lines.count]
            i += 1
        }
        return text
    }

    static func didChange(text: String) -> JSONValue {
        [
            "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": [
                "textDocument": ["uri": "file:///home/user/notes/design/cafe-layout.md", "version": 42],
                "contentChanges": [["text": .string(text)]],
            ],
        ]
    }

    static let completionRequest: JSONValue = [
        "jsonrpc": "2.0", "id": 1234, "method": "textDocument/completion",
        "params": [
            "textDocument": ["uri": "file:///home/user/notes/design/cafe-layout.md"],
            "position": ["line": 17, "character": 9],
            "context": ["triggerKind": 2, "triggerCharacter": "["],
        ],
    ]

    static func completionItem(_ i: Int, line: Int, character: Int) -> JSONValue {
        let title = "Note number \(i) about café layouts"
        return [
            "label": .string(title),
            "kind": 18,
            "detail": .string("notes/design/note-\(i).md"),
            "sortText": .string(String(1_000_000 + i)),
            "filterText": .string(title),
            "textEdit": [
                "range": ["start": ["line": .integer(Int64(line)), "character": .integer(Int64(character))],
                          "end": ["line": .integer(Int64(line)), "character": .integer(Int64(character))]],
                "newText": .string("\(title)]]"),
            ],
            "data": ["permalink": .string("design/note-\(i)")],
        ]
    }

    static func completionItemFoundation(_ i: Int, line: Int, character: Int) -> [String: Any] {
        let title = "Note number \(i) about café layouts"
        let position: [String: Any] = ["line": line, "character": character]
        return [
            "label": title,
            "kind": 18,
            "detail": "notes/design/note-\(i).md",
            "sortText": String(1_000_000 + i),
            "filterText": title,
            "textEdit": ["range": ["start": position, "end": position], "newText": "\(title)]]"],
            "data": ["permalink": "design/note-\(i)"],
        ]
    }
}
