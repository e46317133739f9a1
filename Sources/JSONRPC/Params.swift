import JSON

/// Typed access to request params: `JSONFields` whose errors are -32602 (`invalidParams`), with the
/// message naming the field path, e.g. "textDocument.uri: expected string, got number".
public struct Params: Sendable {
    /// The fields read (their errors become -32602).
    public var fields: JSONFields

    public init(_ value: JSONValue?, path: String = "") { fields = JSONFields(value, path: path) }

    private init(_ fields: JSONFields) { self.fields = fields }

    /// The value this view reads from (nil when the member or the params are absent).
    public var raw: JSONValue? {
        get { fields.raw }
        set { fields.raw = newValue }
    }

    /// Where `raw` sits inside the params ("" for the params themselves).
    public var path: String { fields.path }

    /// A typed value read from these params: a `FieldError` becomes -32602 with its message.
    public func decode<T>(_ read: (JSONFields) throws(FieldError) -> T) throws(ResponseError) -> T {
        do { return try read(fields) } catch { throw .invalidParams(error.message) }
    }

    /// The member `key` as raw JSON, or nil when absent, null, or these params are not an object.
    public func value(_ key: String) -> JSONValue? { fields.value(key) }

    public func string(_ key: String) throws(ResponseError) -> String { try decode { f throws(FieldError) in try f.string(key) } }
    public func optionalString(_ key: String) throws(ResponseError) -> String? {
        try decode { f throws(FieldError) in try f.optionalString(key) }
    }

    /// An integer member; an integral float such as `3.0` is accepted.
    public func integer(_ key: String) throws(ResponseError) -> Int { try decode { f throws(FieldError) in try f.integer(key) } }
    public func optionalInteger(_ key: String) throws(ResponseError) -> Int? {
        try decode { f throws(FieldError) in try f.optionalInteger(key) }
    }

    public func bool(_ key: String) throws(ResponseError) -> Bool { try decode { f throws(FieldError) in try f.bool(key) } }
    public func optionalBool(_ key: String) throws(ResponseError) -> Bool? {
        try decode { f throws(FieldError) in try f.optionalBool(key) }
    }

    public func double(_ key: String) throws(ResponseError) -> Double { try decode { f throws(FieldError) in try f.double(key) } }
    public func optionalDouble(_ key: String) throws(ResponseError) -> Double? {
        try decode { f throws(FieldError) in try f.optionalDouble(key) }
    }

    /// A nested object, as `Params` whose errors name `path.key`.
    public func object(_ key: String) throws(ResponseError) -> Params {
        Params(try decode { f throws(FieldError) in try f.object(key) })
    }
    public func optionalObject(_ key: String) throws(ResponseError) -> Params? {
        try decode { f throws(FieldError) in try f.optionalObject(key) }.map(Params.init)
    }

    /// A nested array, each element as `Params` whose errors name `path.key[i]`.
    public func array(_ key: String) throws(ResponseError) -> [Params] {
        try decode { f throws(FieldError) in try f.array(key) }.map(Params.init)
    }
    public func optionalArray(_ key: String) throws(ResponseError) -> [Params]? {
        try decode { f throws(FieldError) in try f.optionalArray(key) }?.map(Params.init)
    }

    /// These params as a string (for elements of an array of strings).
    public func asString() throws(ResponseError) -> String { try decode { f throws(FieldError) in try f.asString() } }
}
