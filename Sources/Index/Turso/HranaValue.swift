import JSON

/// SQL values as Hrana writes them in JSON: `{"type":"integer","value":"42"}` (a string),
/// `{"type":"float","value":1.5}`, `{"type":"text",…}`, `{"type":"blob","base64":…}`, `{"type":"null"}`.
enum HranaValue {
    static func encode(_ value: SQLValue) -> JSONValue {
        switch value {
        case .null: ["type": "null"]
        case .integer(let i): ["type": "integer", "value": .string(String(i))]
        case .real(let d): ["type": "float", "value": .double(d)]
        case .text(let s): ["type": "text", "value": .string(s)]
        case .blob(let bytes): ["type": "blob", "base64": .string(Base64.encode(bytes))]
        }
    }

    /// Reads a value leniently: integers as strings or numbers, blobs with or without padding.
    static func decode(_ json: JSONValue) throws(HranaDecodingError) -> SQLValue {
        guard let type = json["type"]?.stringValue else { throw HranaDecodingError("a value has no type") }
        let raw = json["value"]
        switch type {
        case "null":
            return .null
        case "integer":
            if let text = raw?.stringValue, let i = Int64(text) { return .integer(i) }
            if case .integer(let i)? = raw { return .integer(i) }
            throw HranaDecodingError("an integer value is not a 64-bit integer")
        case "float":
            if let d = raw?.doubleValue { return .real(d) }
            if let text = raw?.stringValue, let d = Double(text) { return .real(d) }
            // sqld writes null for a float JSON cannot hold (infinity, NaN).
            if raw == nil || raw?.isNull == true { return .null }
            throw HranaDecodingError("a float value is not a number")
        case "text":
            guard let text = raw?.stringValue else { throw HranaDecodingError("a text value is not a string") }
            return .text(text)
        case "blob":
            guard let text = json["base64"]?.stringValue ?? raw?.stringValue, let bytes = Base64.decode(text) else {
                throw HranaDecodingError("a blob value is not valid base64")
            }
            return .blob(bytes)
        default:
            throw HranaDecodingError("unknown value type '\(type)'")
        }
    }
}

/// A Hrana response that does not have the expected shape.
struct HranaDecodingError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Standard base64 (RFC 4648 §4). Encodes with padding; decodes with or without it.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for characters outside the alphabet or an impossible length.
    static func decode(_ text: String) -> [UInt8]? {
        var symbols = Array(text.utf8)
        while symbols.last == UInt8(ascii: "=") { symbols.removeLast() }
        guard symbols.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(symbols.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            let value = values[Int(symbol)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}
