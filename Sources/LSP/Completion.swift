import JSON

/// The LSP `CompletionItem`, as notebridge offers them: a label replaced in place by `textEdit`.
public struct CompletionItem: Sendable, Hashable {
    public enum Kind: Int, Sendable {
        case value = 12, keyword = 14, reference = 18, enumMember = 20
    }

    public var label: String
    public var kind: Kind
    public var detail: String
    /// Orders the items as the server ranked them.
    public var sortText: String
    public var filterText: String
    public var textEdit: LSPTextEdit
    /// Shown beside the label (`labelDetails.description`).
    public var labelDescription: String?
    public var documentation: String?

    public init(label: String, kind: Kind, detail: String, rank: Int, filterText: String, textEdit: LSPTextEdit,
                labelDescription: String? = nil, documentation: String? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.sortText = String(repeating: "0", count: max(0, 5 - String(rank).count)) + String(rank)
        self.filterText = filterText
        self.textEdit = textEdit
        self.labelDescription = labelDescription
        self.documentation = documentation
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = [
            "label": .string(label), "kind": JSONValue(kind.rawValue), "detail": .string(detail),
            "sortText": .string(sortText), "filterText": .string(filterText), "textEdit": textEdit.json,
        ]
        if let labelDescription { value["labelDetails"] = ["description": .string(labelDescription)] }
        if let documentation { value["documentation"] = .string(documentation) }
        return .object(value)
    }
}

/// The LSP `CompletionList`; `isIncomplete` asks the client to ask again as the user types.
public struct CompletionList: Sendable, Hashable {
    public var isIncomplete: Bool
    public var items: [CompletionItem]

    public init(isIncomplete: Bool = false, items: [CompletionItem] = []) {
        self.isIncomplete = isIncomplete
        self.items = items
    }

    public var json: JSONValue { ["isIncomplete": .bool(isIncomplete), "items": .array(items.map(\.json))] }
}
