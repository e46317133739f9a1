import JSON

/// The LSP `SymbolKind` values notebridge uses.
public enum SymbolKind: Int, Sendable, Hashable {
    case file = 1, property = 7, field = 8, string = 15, array = 18
}

/// The LSP `DocumentSymbol`: a symbol with its children (hierarchical outline).
public struct DocumentSymbol: Sendable, Hashable {
    public var name: String
    public var detail: String?
    public var kind: SymbolKind
    public var range: LSPRange
    public var selectionRange: LSPRange
    public var children: [DocumentSymbol]

    public init(name: String, detail: String? = nil, kind: SymbolKind, range: LSPRange, selectionRange: LSPRange,
                children: [DocumentSymbol] = []) {
        self.name = name
        self.detail = detail
        self.kind = kind
        self.range = range
        self.selectionRange = selectionRange
        self.children = children
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = ["name": .string(name), "kind": JSONValue(kind.rawValue), "range": range.json,
                                          "selectionRange": selectionRange.json, "children": .array(children.map(\.json))]
        if let detail { value["detail"] = .string(detail) }
        return .object(value)
    }
}

/// The LSP `SymbolInformation`: a flat symbol with its location and container.
public struct SymbolInformation: Sendable, Hashable {
    public var name: String
    public var kind: SymbolKind
    public var location: Location
    public var containerName: String?

    public init(name: String, kind: SymbolKind, location: Location, containerName: String? = nil) {
        self.name = name
        self.kind = kind
        self.location = location
        self.containerName = containerName
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = ["name": .string(name), "kind": JSONValue(kind.rawValue), "location": location.json]
        if let containerName { value["containerName"] = .string(containerName) }
        return .object(value)
    }
}
