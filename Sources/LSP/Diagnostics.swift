import JSON

/// The LSP `Diagnostic`, as notebridge reports them (source "notebridge", a string code).
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: Int, Sendable { case error = 1, warning, information, hint }

    public var range: LSPRange
    public var severity: Severity
    public var code: String
    public var message: String
    /// Kept by the client and sent back with code-action requests.
    public var data: JSONValue?

    public init(range: LSPRange, severity: Severity, code: String, message: String, data: JSONValue? = nil) {
        self.range = range
        self.severity = severity
        self.code = code
        self.message = message
        self.data = data
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = ["range": range.json, "severity": JSONValue(severity.rawValue), "code": .string(code),
                                          "source": "notebridge", "message": .string(message)]
        if let data { value["data"] = data }
        return .object(value)
    }
}

/// The params of `textDocument/publishDiagnostics`: a document's diagnostics, all of them.
public struct PublishDiagnostics: Sendable, Hashable {
    public static let method = "textDocument/publishDiagnostics"

    public var uri: String
    /// The document version they were computed for (nil: none, as when a document closes).
    public var version: Int?
    public var diagnostics: [Diagnostic]

    public init(uri: String, version: Int? = nil, diagnostics: [Diagnostic]) {
        self.uri = uri
        self.version = version
        self.diagnostics = diagnostics
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = ["uri": .string(uri), "diagnostics": .array(diagnostics.map(\.json))]
        if let version { value["version"] = JSONValue(version) }
        return .object(value)
    }
}
