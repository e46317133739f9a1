import JSON

/// The LSP `Diagnostic`, as notebridge reports them (source "notebridge", a string code).
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: Int, Sendable { case error = 1, warning, information, hint }

    public var range: LSPRange
    public var severity: Severity
    public var code: String
    public var message: String

    public init(range: LSPRange, severity: Severity, code: String, message: String) {
        self.range = range
        self.severity = severity
        self.code = code
        self.message = message
    }

    public var json: JSONValue {
        ["range": range.json, "severity": JSONValue(severity.rawValue), "code": .string(code), "source": "notebridge",
         "message": .string(message)]
    }
}
