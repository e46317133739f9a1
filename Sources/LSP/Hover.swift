import JSON

/// The LSP `Hover` with markdown contents.
public struct Hover: Sendable, Hashable {
    public var markdown: String
    public var range: LSPRange?

    public init(markdown: String, range: LSPRange?) {
        self.markdown = markdown
        self.range = range
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = ["contents": ["kind": "markdown", "value": .string(markdown)]]
        if let range { value["range"] = range.json }
        return .object(value)
    }
}
