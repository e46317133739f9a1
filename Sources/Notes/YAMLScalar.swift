/// A plain YAML scalar as Basic Memory ends up storing it: PyYAML resolves YAML 1.1 booleans,
/// integers (octal, hex, binary, base 60), floats and timestamps, and Basic Memory turns them back
/// into text with Python's `str`/`isoformat` (`yes` → `True`, `007` → `7`, `1.50` → `1.5`,
/// `10:30` → `630`, `2024-01-15 10:30:00Z` → `2024-01-15T10:30:00+00:00`).
enum YAMLScalar {
    /// The text Basic Memory has for a plain scalar, or nil when it keeps it as written.
    static func normalized(_ text: String) -> String? {
        guard let first = text.utf8.first, first < 0x80 else { return nil }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return timestamp(text) ?? integer(text) ?? float(text)
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
             UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return boolean(text)
        default:
            return nil
        }
    }

    private static func boolean(_ text: String) -> String? {
        switch text {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return "True"
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return "False"
        default: return nil
        }
    }

    private static func integer(_ text: String) -> String? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber else { return nil }
        let value: Int?
        if digits.hasPrefix("0b") {
            value = parse(digits.dropFirst(2), radix: 2)
        } else if digits.hasPrefix("0x") {
            value = parse(digits.dropFirst(2), radix: 16)
        } else if digits.contains(":") {
            // Base 60: 1:30 is 90; the first part must not start with 0.
            guard first != "0" else { return nil }
            var total = 0
            for (index, part) in digits.split(separator: ":", omittingEmptySubsequences: false).enumerated() {
                guard let n = parse(part, radix: 10), index == 0 || (n < 60 && part.count <= 2) else { return nil }
                total = total * 60 + n
            }
            value = total
        } else if first == "0", digits.count > 1 {
            value = parse(digits.dropFirst(), radix: 8)
        } else {
            value = parse(digits, radix: 10)
        }
        guard let value else { return nil }
        return String(negative ? -value : value)
    }

    private static func parse(_ digits: Substring, radix: Int) -> Int? {
        let cleaned = digits.filter { $0 != "_" }
        guard !cleaned.isEmpty, digits.first != "_" || radix != 10 else { return nil }
        return Int(cleaned, radix: radix)
    }

    private static func float(_ text: String) -> String? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return "inf"
        case "-.inf", "-.Inf", "-.INF": return "-inf"
        case ".nan", ".NaN", ".NAN": return "nan"
        default: break
        }
        // [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?  (a dot is required)
        var rest = Substring(text)
        if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
        guard let dot = rest.firstIndex(of: "."), !rest[..<dot].contains(":") else { return nil }
        let whole = rest[..<dot]
        guard whole.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }), whole.first != "_" else { return nil }
        var fraction = rest[rest.index(after: dot)...]
        var exponent: Substring = ""
        if let e = fraction.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = fraction[fraction.index(after: e)...]
            fraction = fraction[..<e]
            guard let sign = exponent.first, sign == "-" || sign == "+", exponent.count > 1,
                  exponent.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        guard whole.isEmpty ? !fraction.isEmpty : true,
              fraction.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return nil }
        guard let value = Double(text.filter { $0 != "_" }) else { return nil }
        return value.description
    }

    /// YYYY-MM-DD, or with a time (`T` or blanks), optional fraction and zone.
    private static func timestamp(_ text: String) -> String? {
        let b = Array(text.utf8)
        func digit(_ i: Int) -> Int? { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 ? Int(b[i] - 0x30) : nil }
        func number(_ i: inout Int, min: Int, max: Int) -> Int? {
            var n = 0, count = 0
            while count < max, let d = digit(i) { n = n * 10 + d; i += 1; count += 1 }
            return count >= min ? n : nil
        }
        var i = 0
        guard let year = number(&i, min: 4, max: 4), i < b.count || i == b.count, b.count >= 8, b[i] == 0x2D else { return nil }
        i += 1
        let dateOnly = b.count == 10
        guard let month = number(&i, min: dateOnly ? 2 : 1, max: 2), i < b.count, b[i] == 0x2D else { return nil }
        i += 1
        guard let day = number(&i, min: dateOnly ? 2 : 1, max: 2) else { return nil }
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        if i == b.count { return dateOnly ? date : nil }
        if b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") {
            i += 1
        } else {
            let before = i
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            guard i > before else { return nil }
        }
        guard let hour = number(&i, min: 1, max: 2), i < b.count, b[i] == 0x3A else { return nil }
        i += 1
        guard let minute = number(&i, min: 2, max: 2), i < b.count, b[i] == 0x3A else { return nil }
        i += 1
        guard let second = number(&i, min: 2, max: 2), hour < 24, minute < 60, second < 61 else { return nil }
        var micro = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var digits = ""
            while let d = digit(i) { digits.append(Character(String(d))); i += 1 }
            micro = Int(String((digits + "000000").prefix(6))) ?? 0
        }
        var zone = ""
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") {
                zone = "+00:00"
                i += 1
            } else if b[i] == 0x2B || b[i] == 0x2D {
                let sign = b[i] == 0x2B ? "+" : "-"
                i += 1
                guard let zoneHour = number(&i, min: 1, max: 2) else { return nil }
                var zoneMinute = 0
                if i < b.count, b[i] == 0x3A {
                    i += 1
                    guard let m = number(&i, min: 2, max: 2) else { return nil }
                    zoneMinute = m
                }
                zone = sign + pad(zoneHour, 2) + ":" + pad(zoneMinute, 2)
            }
            guard i == b.count else { return nil }
        }
        let fraction = micro > 0 ? "." + pad(micro, 6) : ""
        return "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))\(fraction)\(zone)"
    }
}
