/// `file://` URIs: percent-encoding of paths and decoding back to a path.
enum FileURI {
    /// The URI of an absolute path; every byte but RFC 3986 unreserved characters and "/" is percent-encoded.
    static func make(path: String) -> String {
        var result = "file://"
        for byte in path.utf8 {
            if isUnreserved(byte) || byte == UInt8(ascii: "/") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0xF)]
            }
        }
        return result
    }

    /// The absolute path a `file:` URI names: `file:///p`, `file://localhost/p` or `file:/p`, decoded.
    /// Refuses other schemes, other hosts, queries, fragments, bad escapes and bytes that are not UTF-8.
    static func path(of uri: String) throws(PathError) -> String {
        let bytes = Array(uri.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes[..<colon].elementsEqual("file".utf8, by: { lowercased($0) == $1 }) else {
            throw .notFileURI(scheme(of: bytes))
        }
        var rest = bytes[(colon + 1)...]
        if rest.starts(with: "//".utf8) {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            let host = rest[..<slash]
            guard host.isEmpty || host.elementsEqual("localhost".utf8, by: { lowercased($0) == $1 }) else {
                throw .malformedURI(uri)
            }
            rest = rest[slash...]
        }
        guard rest.first == UInt8(ascii: "/"),
              !rest.contains(UInt8(ascii: "?")), !rest.contains(UInt8(ascii: "#")),
              let decoded = percentDecoded(rest),
              let path = String(validating: decoded, as: UTF8.self) else {
            throw .malformedURI(uri)
        }
        guard !decoded.contains(0) else { throw .nulByte }
        return path
    }

    private static let hexDigits = Array("0123456789ABCDEF").map(String.init)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// The scheme for an error message (never the rest of the URI, which may hold credentials).
    private static func scheme(of bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: UInt8(ascii: ":")) ?? 0
        let scheme = bytes[..<end].prefix(32)
        return scheme.allSatisfy({ isUnreserved($0) || $0 == UInt8(ascii: "+") }) ? String(decoding: scheme, as: UTF8.self) : ""
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
