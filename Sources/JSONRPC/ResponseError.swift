import JSON

/// A JSON-RPC error object, sent as the `error` member of a response.
public struct ResponseError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32700: the message (or its frame header) could not be parsed.
    public static func parseError(_ message: String) -> ResponseError { .init(code: -32700, message: message) }
    /// -32600: valid JSON that is not an acceptable request.
    public static func invalidRequest(_ message: String) -> ResponseError { .init(code: -32600, message: message) }
    /// -32601: no handler for the method.
    public static func methodNotFound(_ method: String) -> ResponseError {
        .init(code: -32601, message: "method not found: \(method)")
    }
    /// -32602: params missing or of the wrong type; the message names the field.
    public static func invalidParams(_ message: String) -> ResponseError { .init(code: -32602, message: message) }
    /// -32603: the server failed while handling the request.
    public static func internalError(_ message: String) -> ResponseError { .init(code: -32603, message: message) }
    /// -32002: a request arrived before `initialize`.
    public static let serverNotInitialized = ResponseError(code: -32002, message: "server not initialized")
    /// -32800: the client cancelled the request.
    public static let requestCancelled = ResponseError(code: -32800, message: "request cancelled")
    /// -32801: the document changed while the request was computed.
    public static func contentModified(_ message: String) -> ResponseError { .init(code: -32801, message: message) }
    /// -32803: the request was valid but failed (LSP `RequestFailed`).
    public static func requestFailed(_ message: String) -> ResponseError { .init(code: -32803, message: message) }

    /// The error object as it goes on the wire.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    /// An error object received from the peer; nil if `json` lacks an integer `code` or a string `message`.
    public init?(json: JSONValue) {
        guard let code = json["code"]?.intValue, let message = json["message"]?.stringValue else { return nil }
        self.init(code: code, message: message, data: json["data"])
    }
}

extension ResponseError: CustomStringConvertible {
    public var description: String { "\(message) (\(code))" }
}
