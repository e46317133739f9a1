import Yams

/// Turns YAML nodes into the strings notebridge stores, the way Basic Memory normalises them:
/// scalars as written, lists of titles joined with ", ", nested values as JSON text.
enum YAMLText {
    /// A scalar's text, or a list joined with ", " (Basic Memory's rule for title and type);
    /// nil for null.
    static func joined(_ node: Node, budget: inout YAMLBudget) throws -> String? {
        try budget.spend(depth: 1)
        switch node {
        case .sequence(let sequence):
            var parts: [String] = []
            for item in sequence {
                parts.append(try flat(item, budget: &budget, depth: 2))
            }
            return parts.joined(separator: ", ")
        default:
            return isNull(node) ? nil : try flat(node, budget: &budget, depth: 1)
        }
    }

    /// Tags from a YAML list, a comma-separated string, or a string holding a JSON array;
    /// whitespace and leading `#` removed, empty entries dropped.
    static func tags(_ node: Node, budget: inout YAMLBudget) throws -> [String] {
        try budget.spend(depth: 1)
        var raw: [String] = []
        switch node {
        case .sequence(let sequence):
            for item in sequence where !isNull(item) {
                raw.append(contentsOf: splitCommas(try flat(item, budget: &budget, depth: 2)))
            }
        case .scalar(let scalar) where !isNull(node):
            let value = text(of: scalar)
            raw = jsonArrayStrings(value) ?? splitCommas(value)
        default:
            break
        }
        return raw.compactMap { tag in
            let cleaned = String(tag.trimmingWhitespace().drop { $0 == "#" })
            return cleaned.isEmpty ? nil : cleaned
        }
    }

    /// Aliases from the same forms as tags, except that a YAML list's items are kept whole (an
    /// alias may hold a comma) and items that are not text are skipped; whitespace trimmed,
    /// empty entries and repeats (ignoring case) dropped.
    static func aliases(_ node: Node, budget: inout YAMLBudget) throws -> [String] {
        try budget.spend(depth: 1)
        var raw: [String] = []
        switch node {
        case .sequence(let sequence):
            for item in sequence {
                try budget.spend(depth: 2)
                if case .scalar(let scalar) = item, !isNull(item) { raw.append(scalar.string) }
            }
        case .scalar(let scalar) where !isNull(node):
            raw = jsonArrayStrings(scalar.string) ?? splitCommas(scalar.string)
        default:
            break
        }
        var seen = Set<String>()
        return raw.compactMap { alias in
            let cleaned = String(alias.trimmingWhitespace())
            return !cleaned.isEmpty && seen.insert(cleaned.lowercased()).inserted ? cleaned : nil
        }
    }

    /// The stored form of any other frontmatter value; nil for null.
    static func metadataValue(_ node: Node, budget: inout YAMLBudget) throws -> String? {
        isNull(node) ? nil : try flat(node, budget: &budget, depth: 1)
    }

    /// A scalar as Basic Memory stores it (see `YAMLScalar`); a list or mapping as JSON text.
    static func flat(_ node: Node, budget: inout YAMLBudget, depth: Int) throws -> String {
        if case .scalar(let scalar) = node { return isNull(node) ? "" : text(of: scalar) }
        var out = ""
        try appendJSON(node, to: &out, budget: &budget, depth: depth)
        return out
    }

    private static func appendJSON(_ node: Node, to out: inout String, budget: inout YAMLBudget, depth: Int) throws {
        try budget.spend(depth: depth)
        switch node {
        case .scalar(let scalar):
            if isNull(node) { out += "null" } else { appendJSONString(scalar.string, to: &out) }
        case .sequence(let sequence):
            out += "["
            for (index, item) in sequence.enumerated() {
                if index > 0 { out += "," }
                try appendJSON(item, to: &out, budget: &budget, depth: depth + 1)
            }
            out += "]"
        case .mapping(let mapping):
            out += "{"
            for (index, pair) in mapping.enumerated() {
                if index > 0 { out += "," }
                appendJSONString(try flat(pair.key, budget: &budget, depth: depth + 1), to: &out)
                out += ":"
                try appendJSON(pair.value, to: &out, budget: &budget, depth: depth + 1)
            }
            out += "}"
        case .alias:
            out += "null"
        }
    }

    private static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// A plain scalar resolved as PyYAML does and turned back into text; a quoted one as written.
    static func text(of scalar: Node.Scalar) -> String {
        guard scalar.style == .plain || scalar.style == .any else { return scalar.string }
        return YAMLScalar.normalized(scalar.string) ?? scalar.string
    }

    /// A scalar's text, nil for null and for lists and mappings (Basic Memory ignores a
    /// `permalink` that is not text).
    static func scalarText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else { return nil }
        return text(of: scalar)
    }

    /// YAML null: an empty plain scalar, `~` or `null` (the parser is run without tag resolution).
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private static func splitCommas(_ s: String) -> [String] {
        s.split(separator: ",").map(String.init)
    }

    /// The strings of a `["a", "b"]` JSON array written as one YAML string; nil if it is not one.
    private static func jsonArrayStrings(_ s: String) -> [String]? {
        let trimmed = s.trimmingWhitespace()
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        var items: [String] = []
        var rest = Substring(trimmed).dropFirst().dropLast()
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.isEmpty { return items }
            guard rest.first == "\"", let item = parseJSONString(&rest) else { return nil }
            items.append(item)
            rest = rest.drop(while: \.isWhitespace)
            if rest.isEmpty { return items }
            guard rest.first == "," else { return nil }
            rest = rest.dropFirst()
        }
    }

    /// Consumes one JSON string literal (with the common escapes) from the front of `s`.
    private static func parseJSONString(_ s: inout Substring) -> String? {
        var out = ""
        var iterator = s.unicodeScalars.dropFirst().makeIterator()
        var consumed = 1
        while let scalar = iterator.next() {
            consumed += 1
            switch scalar {
            case "\"":
                s = Substring(s.unicodeScalars.dropFirst(consumed))
                return out
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                consumed += 1
                switch escaped {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "\"", "\\", "/": out.unicodeScalars.append(escaped)
                default: return nil
                }
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and line breaks.
    func trimmingWhitespace() -> Substring {
        let view = self[...]
        guard let first = view.firstIndex(where: { !$0.isWhitespace }),
              let last = view.lastIndex(where: { !$0.isWhitespace }) else { return Substring("") }
        return Substring(view[first...last])
    }
}
