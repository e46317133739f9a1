import JSON

/// The LSP `TextEdit`: replace `range` with `newText`.
public struct LSPTextEdit: Sendable, Hashable {
    public var range: LSPRange
    public var newText: String

    public init(range: LSPRange, newText: String) {
        self.range = range
        self.newText = newText
    }

    public var json: JSONValue { ["range": range.json, "newText": .string(newText)] }
}

/// The LSP `WorkspaceEdit` in its `changes` form: edits by document URI.
public struct WorkspaceEdit: Sendable, Hashable {
    public var changes: [String: [LSPTextEdit]]

    public init(changes: [String: [LSPTextEdit]]) { self.changes = changes }

    public var json: JSONValue { ["changes": .object(changes.mapValues { .array($0.map(\.json)) })] }
}
