/// How LSP positions count characters within a line (negotiated via `general.positionEncodings`).
public enum PositionEncoding: String, Sendable {
    case utf8 = "utf-8", utf16 = "utf-16", utf32 = "utf-32"
}

/// UTF-8 byte facts shared by the position and span code.
enum UTF8Bytes {
    /// Whether `byte` continues a multi-byte scalar rather than starting one.
    @inline(__always) static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    /// How many units of `encoding` the scalar starting with `lead` occupies.
    @inline(__always) static func units(lead: UInt8, in encoding: PositionEncoding) -> Int {
        switch encoding {
        case .utf8: return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        case .utf16: return lead >= 0xF0 ? 2 : 1
        case .utf32: return 1
        }
    }

    /// UTF-16 units in `bytes[start..<end]` (both on scalar boundaries).
    static func utf16Count(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var count = 0
        var i = start
        while i < end {
            let byte = bytes[i]
            if !isContinuation(byte) { count += byte >= 0xF0 ? 2 : 1 }
            i += 1
        }
        return count
    }
}
