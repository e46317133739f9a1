import JSON

/// Typed access to request params. Every accessor throws -32602 (`invalidParams`) with a message naming
/// the field path, e.g. "textDocument.uri: expected string, got number". A JSON null counts as absent.
public struct Params: Sendable {
    /// The value this view reads from (nil when the member or the params are absent).
    public var raw: JSONValue?
    /// Where `raw` sits inside the params ("" for the params themselves).
    public let path: String

    public init(_ value: JSONValue?, path: String = "") {
        self.raw = value
        self.path = path
    }

    /// The member `key` as raw JSON, or nil when absent, null, or these params are not an object.
    public func value(_ key: String) -> JSONValue? { try? member(key) }

    /// The member `key`, or nil when absent or null; throws if these params are not an object.
    private func member(_ key: String) throws(ResponseError) -> JSONValue? {
        switch raw {
        case nil, .null: return nil
        case .object(let members):
            guard let member = members[key], !member.isNull else { return nil }
            return member
        case let other?:
            throw .invalidParams("\(path.isEmpty ? "params" : path): expected object, got \(other.kindName)")
        }
    }

    public func string(_ key: String) throws(ResponseError) -> String { try required(key, "string", optionalString) }
    public func optionalString(_ key: String) throws(ResponseError) -> String? {
        try optional(key, "string") { $0.stringValue }
    }

    /// An integer member; an integral float such as `3.0` is accepted.
    public func integer(_ key: String) throws(ResponseError) -> Int { try required(key, "integer", optionalInteger) }
    public func optionalInteger(_ key: String) throws(ResponseError) -> Int? {
        try optional(key, "integer") { $0.intValue }
    }

    public func bool(_ key: String) throws(ResponseError) -> Bool { try required(key, "boolean", optionalBool) }
    public func optionalBool(_ key: String) throws(ResponseError) -> Bool? {
        try optional(key, "boolean") { $0.boolValue }
    }

    public func double(_ key: String) throws(ResponseError) -> Double { try required(key, "number", optionalDouble) }
    public func optionalDouble(_ key: String) throws(ResponseError) -> Double? {
        try optional(key, "number") { $0.doubleValue }
    }

    /// A nested object, as `Params` whose errors name `path.key`.
    public func object(_ key: String) throws(ResponseError) -> Params { try required(key, "object", optionalObject) }
    public func optionalObject(_ key: String) throws(ResponseError) -> Params? {
        try optional(key, "object") { $0.objectValue == nil ? nil : Params($0, path: fieldPath(key)) }
    }

    /// A nested array, each element as `Params` whose errors name `path.key[i]`.
    public func array(_ key: String) throws(ResponseError) -> [Params] { try required(key, "array", optionalArray) }
    public func optionalArray(_ key: String) throws(ResponseError) -> [Params]? {
        try optional(key, "array") { value in
            value.arrayValue?.enumerated().map { Params($1, path: "\(fieldPath(key))[\($0)]") }
        }
    }

    /// These params as a string (for elements of an array of strings).
    public func asString() throws(ResponseError) -> String {
        guard let s = raw?.stringValue else { throw mismatch(path, "string", raw) }
        return s
    }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func optional<T>(_ key: String, _ expected: String, _ convert: (JSONValue) -> T?) throws(ResponseError) -> T? {
        guard let member = try member(key) else { return nil }
        guard let converted = convert(member) else { throw mismatch(fieldPath(key), expected, member) }
        return converted
    }

    private func required<T>(_ key: String, _ expected: String,
                             _ optional: (String) throws(ResponseError) -> T?) throws(ResponseError) -> T {
        guard let value = try optional(key) else {
            throw .invalidParams("\(fieldPath(key)): missing; expected \(expected)")
        }
        return value
    }

    private func mismatch(_ path: String, _ expected: String, _ actual: JSONValue?) -> ResponseError {
        let got = actual.map { $0.kindName } ?? "nothing"
        // An integer field given 1.5 reads better as "got non-integral number".
        let detail = (expected == "integer" && actual?.doubleValue != nil) ? "non-integral number" : got
        return .invalidParams("\(path.isEmpty ? "params" : path): expected \(expected), got \(detail)")
    }
}
