/// One line of a note: its 0-based number and byte offsets (`end` excludes the line break).
struct LineRef {
    var number: Int
    var start: Int
    var end: Int
    var next: Int
}

/// A note's UTF-8 bytes (BOM removed) with helpers to walk lines, make spans and strings.
/// Positions are byte offsets into `bytes`; NUL bytes stay in place (so columns match what an
/// editor shows) but are dropped from every string taken out of the text.
struct NoteText {
    let bytes: UnsafeBufferPointer<UInt8>
    let hasNUL: Bool
    private let cursor = UTF16Cursor()

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.hasNUL = bytes.contains(0)
    }

    var count: Int { bytes.count }

    /// The line starting at byte `start` (which must be a line start), numbered `number`.
    func line(startingAt start: Int, number: Int) -> LineRef {
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.newline { return LineRef(number: number, start: start, end: i, next: i + 1) }
            if byte == ASCII.carriageReturn {
                let next = i + 1 < bytes.count && bytes[i + 1] == ASCII.newline ? i + 2 : i + 1
                return LineRef(number: number, start: start, end: i, next: next)
            }
            i += 1
        }
        return LineRef(number: number, start: start, end: bytes.count, next: bytes.count)
    }

    /// A span on `line` covering bytes `from..<to`.
    func span(_ line: LineRef, _ from: Int, _ to: Int) -> TextSpan {
        let utf16Start = cursor.utf16Column(of: from, on: line, in: bytes)
        let utf16Length = UTF8Bytes.utf16Count(bytes, from: from, to: to)
        return TextSpan(line: line.number,
                        utf8: (from - line.start)..<(to - line.start),
                        utf16: utf16Start..<(utf16Start + utf16Length))
    }

    /// The text of bytes `from..<to`, without NUL bytes.
    func string(_ from: Int, _ to: Int) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[from..<to])
        if hasNUL, slice.contains(0) {
            return String(decoding: slice.filter { $0 != 0 }, as: UTF8.self)
        }
        return String(decoding: slice, as: UTF8.self)
    }

    /// `from..<to` without leading and trailing spaces and tabs.
    func trimmed(_ from: Int, _ to: Int) -> (Int, Int) {
        var start = from
        var end = to
        while start < end, ASCII.isBlank(bytes[start]) { start += 1 }
        while end > start, ASCII.isBlank(bytes[end - 1]) { end -= 1 }
        return (start, end)
    }

    /// Whether bytes at `offset` spell `literal` (ASCII), within `limit`.
    func matches(_ literal: StaticString, at offset: Int, limit: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset >= 0, offset + count <= limit else { return false }
        let pointer = literal.utf8Start
        for k in 0..<count where bytes[offset + k] != pointer[k] { return false }
        return true
    }

    /// The first offset in `from..<to` where `literal` starts, if any.
    func find(_ literal: StaticString, from: Int, to: Int) -> Int? {
        let first = literal.utf8Start[0]
        var i = from
        while i < to {
            if bytes[i] == first, matches(literal, at: i, limit: to) { return i }
            i += 1
        }
        return nil
    }
}

/// Remembers the last UTF-16 column computed, so the spans of one line (found mostly left to
/// right) cost one pass over the line instead of one pass each.
private final class UTF16Cursor {
    private var lineStart = -1
    private var offset = 0
    private var column = 0

    func utf16Column(of target: Int, on line: LineRef, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if line.start != lineStart || target < offset {
            lineStart = line.start
            offset = line.start
            column = 0
        }
        column += UTF8Bytes.utf16Count(bytes, from: offset, to: target)
        offset = target
        return column
    }
}

/// ASCII bytes the scanners look for.
enum ASCII {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let hash = UInt8(ascii: "#")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let backtick = UInt8(ascii: "`")
    static let tilde = UInt8(ascii: "~")
    static let backslash = UInt8(ascii: "\\")
    static let greaterThan = UInt8(ascii: ">")
    static let bang = UInt8(ascii: "!")
    static let pipe = UInt8(ascii: "|")
    static let colon = UInt8(ascii: ":")
    static let dash = UInt8(ascii: "-")
    static let equals = UInt8(ascii: "=")
    static let lessThan = UInt8(ascii: "<")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let plus = UInt8(ascii: "+")
    static let underscore = UInt8(ascii: "_")
    static let dot = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")

    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }
    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab || b == 0x0B || b == 0x0C }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isAlphanumeric(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }
}
