import CJansson

public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public let column: Int
    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses one JSON text. Nesting deeper than jansson's limit (2048) is refused with an
    /// error rather than recursing, so hostile input cannot overflow the stack.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY | JSON_ALLOW_NUL)
        let root: UnsafeMutablePointer<json_t>? = bytes.withContiguousStorageIfAvailable { buffer in
            json_loadb(buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                       buffer.count, flags, &error)
        } ?? Array(bytes).withUnsafeBufferPointer { buffer in
            json_loadb(buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                       buffer.count, flags, &error)
        }
        guard let root else {
            var message = withUnsafeBytes(of: error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            // jansson's wording for bytes that are not UTF-8 does not say so.
            if message.hasPrefix("unable to decode byte") { message = "not UTF-8: " + message }
            throw JSONParseError(message: message, line: Int(error.line), column: Int(error.column))
        }
        defer { json_decref(root) }
        return JSONValue(jansson: root)
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    init(jansson value: UnsafeMutablePointer<json_t>) {
        switch value.pointee.type {
        case JSON_NULL: self = .null
        case JSON_TRUE: self = .bool(true)
        case JSON_FALSE: self = .bool(false)
        case JSON_INTEGER: self = .integer(Int64(json_integer_value(value)))
        case JSON_REAL: self = .double(json_real_value(value))
        case JSON_STRING:
            let length = json_string_length(value)
            let base = UnsafeRawPointer(json_string_value(value)!)
            self = .string(String(decoding: UnsafeRawBufferPointer(start: base, count: length), as: UTF8.self))
        case JSON_ARRAY:
            let count = json_array_size(value)
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for i in 0..<count { items.append(JSONValue(jansson: json_array_get(value, i))) }
            self = .array(items)
        default:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(json_object_size(value))
            var iter = json_object_iter(value)
            while let it = iter {
                let keyLength = json_object_iter_key_len(it)
                let key = String(decoding: UnsafeRawBufferPointer(start: json_object_iter_key(it), count: keyLength),
                                 as: UTF8.self)
                members[key] = JSONValue(jansson: json_object_iter_value(it))
                iter = json_object_iter_next(value, it)
            }
            self = .object(members)
        }
    }

    /// A new jansson value holding a reference the caller owns.
    func makeJansson() -> UnsafeMutablePointer<json_t> {
        switch self {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .integer(let i): return json_integer(json_int_t(i))
        case .double(let d): return d.isFinite ? json_real(d) : json_null()
        case .string(let s):
            var s = s
            return s.withUTF8 { json_stringn_nocheck(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
        case .array(let items):
            let array = json_array()!
            for item in items { json_array_append_new(array, item.makeJansson()) }
            return array
        case .object(let members):
            let object = json_object()!
            for (key, member) in members {
                var key = key
                key.withUTF8 { k in
                    _ = json_object_setn_new_nocheck(object, UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: CChar.self),
                                                     k.count, member.makeJansson())
                }
            }
            return object
        }
    }

    /// Compact JSON text as UTF-8 bytes.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }

    /// Appends compact JSON text to `bytes` in one pass over the value.
    public func append(to bytes: inout [UInt8]) {
        let root = makeJansson()
        defer { json_decref(root) }
        let flags = Int(JSON_COMPACT | JSON_ENCODE_ANY)
        withUnsafeMutablePointer(to: &bytes) { output in
            _ = json_dump_callback(root, { chunk, size, context in
                guard let chunk, let context else { return 0 }
                let output = context.assumingMemoryBound(to: [UInt8].self)
                output.pointee.append(contentsOf: UnsafeRawBufferPointer(start: chunk, count: size))
                return 0
            }, output, flags)
        }
    }

    public func serializedString() -> String { String(decoding: serialized(), as: UTF8.self) }
}
