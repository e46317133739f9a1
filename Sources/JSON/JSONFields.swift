/// A field of a JSON object that is missing or of the wrong type; the message names its path,
/// e.g. "textDocument.uri: expected string, got number".
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Typed reads of a JSON object's fields (a request's params and what they nest). Every reader
/// throws a `FieldError` naming the field's path. A JSON null counts as absent.
public struct JSONFields: Sendable {
    /// The value read from (nil when the member or the whole value is absent).
    public var raw: JSONValue?
    /// Where `raw` sits inside the outermost value ("" for that value itself).
    public let path: String

    public init(_ value: JSONValue?, path: String = "") {
        self.raw = value
        self.path = path
    }

    /// The member `key` as raw JSON, or nil when absent, null, or this is not an object.
    public func value(_ key: String) -> JSONValue? { try? member(key) }

    /// The member `key`, or nil when absent or null; throws if this is not an object.
    private func member(_ key: String) throws(FieldError) -> JSONValue? {
        switch raw {
        case nil, .null: return nil
        case .object(let members):
            guard let member = members[key], !member.isNull else { return nil }
            return member
        case let other?:
            throw FieldError("\(path.isEmpty ? "params" : path): expected object, got \(other.kindName)")
        }
    }

    public func string(_ key: String) throws(FieldError) -> String { try required(key, "string", optionalString) }
    public func optionalString(_ key: String) throws(FieldError) -> String? {
        try optional(key, "string") { $0.stringValue }
    }

    /// An integer member; an integral float such as `3.0` is accepted.
    public func integer(_ key: String) throws(FieldError) -> Int { try required(key, "integer", optionalInteger) }
    public func optionalInteger(_ key: String) throws(FieldError) -> Int? {
        try optional(key, "integer") { $0.intValue }
    }

    public func bool(_ key: String) throws(FieldError) -> Bool { try required(key, "boolean", optionalBool) }
    public func optionalBool(_ key: String) throws(FieldError) -> Bool? {
        try optional(key, "boolean") { $0.boolValue }
    }

    public func double(_ key: String) throws(FieldError) -> Double { try required(key, "number", optionalDouble) }
    public func optionalDouble(_ key: String) throws(FieldError) -> Double? {
        try optional(key, "number") { $0.doubleValue }
    }

    /// A nested object, whose errors name `path.key`.
    public func object(_ key: String) throws(FieldError) -> JSONFields { try required(key, "object", optionalObject) }
    public func optionalObject(_ key: String) throws(FieldError) -> JSONFields? {
        try optional(key, "object") { $0.objectValue == nil ? nil : JSONFields($0, path: fieldPath(key)) }
    }

    /// A nested array, each element's errors naming `path.key[i]`.
    public func array(_ key: String) throws(FieldError) -> [JSONFields] { try required(key, "array", optionalArray) }
    public func optionalArray(_ key: String) throws(FieldError) -> [JSONFields]? {
        try optional(key, "array") { value in
            value.arrayValue?.enumerated().map { JSONFields($1, path: "\(fieldPath(key))[\($0)]") }
        }
    }

    /// This value as a string (for elements of an array of strings).
    public func asString() throws(FieldError) -> String {
        guard let s = raw?.stringValue else { throw mismatch(path, "string", raw) }
        return s
    }

    /// An error about field `key` of this object ("limit: must be between 1 and 1000").
    public func invalid(_ key: String, _ problem: String) -> FieldError { FieldError("\(fieldPath(key)): \(problem)") }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func optional<T>(_ key: String, _ expected: String, _ convert: (JSONValue) -> T?) throws(FieldError) -> T? {
        guard let member = try member(key) else { return nil }
        guard let converted = convert(member) else { throw mismatch(fieldPath(key), expected, member) }
        return converted
    }

    private func required<T>(_ key: String, _ expected: String,
                             _ optional: (String) throws(FieldError) -> T?) throws(FieldError) -> T {
        guard let value = try optional(key) else { throw FieldError("\(fieldPath(key)): missing; expected \(expected)") }
        return value
    }

    private func mismatch(_ path: String, _ expected: String, _ actual: JSONValue?) -> FieldError {
        let got = actual.map { $0.kindName } ?? "nothing"
        // An integer field given 1.5 reads better as "got non-integral number".
        let detail = (expected == "integer" && actual?.doubleValue != nil) ? "non-integral number" : got
        return FieldError("\(path.isEmpty ? "params" : path): expected \(expected), got \(detail)")
    }
}
