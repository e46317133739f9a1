/// SPEC-82 temporal qualifiers at the head of an observation (`@2026-07-27 text`,
/// `@effective:2026-07-27 text`, `@valid[2026-06-10,2026-07-27) text`): Basic Memory peels them off
/// the content. It reads their dates with dateparser; we peel only ISO 8601 dates and date-times,
/// the forms it surely reads the same, and leave any other `@…` in the content (see
/// docs/basic-memory-compat.md).
enum TemporalQualifier {
    private static let kinds: Set<String> = ["effective", "valid", "occurred", "due", "mentioned"]

    /// Where the content starts after a qualifier at `from`, or nil when there is none to peel.
    static func contentStart(_ bytes: [UInt8], _ from: Int, _ to: Int) -> Int? {
        guard from < to, bytes[from] == UInt8(ascii: "@") else { return nil }
        var i = from + 1
        let kindStart = i
        if i < to, isLetter(bytes[i]) {
            while i < to, isLetter(bytes[i]) || ASCII.isDigit(bytes[i]) || bytes[i] == ASCII.underscore { i += 1 }
        }
        let kind = String(decoding: bytes[kindStart..<i], as: UTF8.self)
        guard kind.isEmpty || kinds.contains(kind) else { return nil }
        let end: Int
        if i < to, bytes[i] == ASCII.openBracket || bytes[i] == ASCII.openParen {
            guard let close = (i..<to).first(where: { bytes[$0] == ASCII.closeBracket || bytes[$0] == ASCII.closeParen }),
                  isRange(bytes, i + 1, close) else { return nil }
            end = close + 1
        } else {
            if !kind.isEmpty {
                guard i < to, bytes[i] == ASCII.colon else { return nil }
                i += 1
            } else if !(i < to && ASCII.isDigit(bytes[i])) {
                return nil
            }
            var j = i
            while j < to, !ContentReader.isSpace(bytes[j]) { j += 1 }
            guard isoKind(bytes, i, j) != nil else { return nil }
            end = j
        }
        guard end == to || ContentReader.isSpace(bytes[end]) else { return nil }
        var rest = end
        while rest < to, ContentReader.isSpace(bytes[rest]) { rest += 1 }
        // A qualifier with nothing after it stays content.
        return rest < to ? rest : nil
    }

    /// `lower,upper` with ISO bounds of one kind (date or date-time), either one may be empty.
    private static func isRange(_ bytes: [UInt8], _ from: Int, _ to: Int) -> Bool {
        guard let comma = (from..<to).first(where: { bytes[$0] == ASCII.comma }) else { return false }
        func trimmed(_ a: Int, _ b: Int) -> (Int, Int) {
            var (s, e) = (a, b)
            while s < e, ASCII.isBlank(bytes[s]) { s += 1 }
            while e > s, ASCII.isBlank(bytes[e - 1]) { e -= 1 }
            return (s, e)
        }
        let lower = trimmed(from, comma), upper = trimmed(comma + 1, to)
        let kinds = [lower, upper].filter { $0.0 < $0.1 }.map { isoKind(bytes, $0.0, $0.1) }
        guard !kinds.isEmpty, !kinds.contains(where: { $0 == nil }), Set(kinds.map { $0! }).count == 1 else { return false }
        if kinds.count == 2 {
            return String(decoding: bytes[lower.0..<lower.1], as: UTF8.self) <= String(decoding: bytes[upper.0..<upper.1], as: UTF8.self)
        }
        return true
    }

    private enum ISOKind { case date, dateTime }

    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]`.
    private static func isoKind(_ bytes: [UInt8], _ from: Int, _ to: Int) -> ISOKind? {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= to else { return nil }
            var n = 0
            for k in at..<(at + count) {
                guard ASCII.isDigit(bytes[k]) else { return nil }
                n = n * 10 + Int(bytes[k] - 0x30)
            }
            return n
        }
        guard digits(from, 4) != nil, from + 10 <= to, bytes[from + 4] == ASCII.dash, let month = digits(from + 5, 2),
              bytes[from + 7] == ASCII.dash, let day = digits(from + 8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        if from + 10 == to { return .date }
        var i = from + 10
        guard bytes[i] == UInt8(ascii: "T"), let hour = digits(i + 1, 2), i + 3 < to, bytes[i + 3] == ASCII.colon,
              let minute = digits(i + 4, 2), hour < 24, minute < 60 else { return nil }
        i += 6
        if i < to, bytes[i] == ASCII.colon {
            guard let second = digits(i + 1, 2), second < 60 else { return nil }
            i += 3
            if i < to, bytes[i] == ASCII.dot {
                i += 1
                while i < to, ASCII.isDigit(bytes[i]) { i += 1 }
            }
        }
        if i < to, bytes[i] == UInt8(ascii: "Z") {
            i += 1
        } else if i < to, bytes[i] == UInt8(ascii: "+") || bytes[i] == ASCII.dash {
            guard digits(i + 1, 2) != nil, i + 3 < to, bytes[i + 3] == ASCII.colon, digits(i + 4, 2) != nil else { return nil }
            i += 6
        }
        return i == to ? .dateTime : nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
}
