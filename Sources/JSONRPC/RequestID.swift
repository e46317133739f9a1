import JSON

/// A JSON-RPC request id: LSP allows an integer or a string.
public enum RequestID: Hashable, Sendable {
    case integer(Int64)
    case string(String)

    /// The id from its JSON form; nil for anything but an integer (an integral float is accepted) or a string.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .integer, .double:
            guard let i = json.integerValue else { return nil }
            self = .integer(i)
        default: return nil
        }
    }

    /// The id as it goes on the wire.
    public var json: JSONValue {
        switch self {
        case .integer(let i): .integer(i)
        case .string(let s): .string(s)
        }
    }
}

extension RequestID: CustomStringConvertible {
    public var description: String {
        switch self {
        case .integer(let i): String(i)
        case .string(let s): "\"\(s)\""
        }
    }
}
