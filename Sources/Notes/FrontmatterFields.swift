import Yams

/// The frontmatter keys notebridge understands, read from the YAML between the fences.
struct FrontmatterFields {
    var title: String?
    var type: String?
    var permalink: String?
    var tags: [String] = []
    var aliases: [String] = []
    var metadata: [String: String] = [:]
    /// `bm_parse_semantics: false` turns off observation and relation extraction.
    var parseSemantics = true

    /// Why a frontmatter block was rejected; `line` is 0-based within the YAML, when known.
    struct Failure: Error {
        var message: String
        var line: Int?
        /// For YAML refused by a limit: the simple one-line title, type, permalink and tags found.
        var salvaged: FrontmatterFields?
    }

    /// Larger frontmatter is refused unread: a legitimate note's header is a few hundred bytes.
    static let maxBytes = 64 * 1024
    /// Aliases let a small text expand exponentially; real frontmatter has few if any.
    static let maxAliases = 64
    /// Nodes visited while converting, counting every alias expansion again.
    static let nodeBudget = 10_000
    static let maxDepth = 64

    /// Reads the YAML text of a frontmatter block, refusing oversized or explosive YAML.
    static func read(_ yaml: String) -> Result<FrontmatterFields, Failure> {
        if yaml.utf8.count > maxBytes {
            return .failure(Failure(message: "frontmatter is larger than \(maxBytes / 1024) KB", line: nil, salvaged: salvage(yaml)))
        }
        if aliasCount(yaml) > maxAliases {
            return .failure(Failure(message: "frontmatter uses more than \(maxAliases) YAML aliases", line: nil, salvaged: salvage(yaml)))
        }
        let root: Node?
        do {
            root = try compose(yaml)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, _) {
            // PyYAML (so Basic Memory) keeps the last value of a repeated key; so do we, for top-level keys.
            guard let deduplicated = keepingLastOccurrence(of: Set(duplicates), in: yaml),
                  let retried = try? compose(deduplicated) else {
                return .failure(Failure(message: "duplicate frontmatter key \(duplicates.joined(separator: ", "))", line: nil))
            }
            root = retried
        } catch let error as YamlError {
            return .failure(describe(error))
        } catch {
            return .failure(Failure(message: "invalid YAML", line: nil))
        }
        guard let root else { return .success(FrontmatterFields()) }
        guard case .mapping(let mapping) = root else {
            return .failure(Failure(message: "frontmatter is not a YAML mapping of keys to values", line: nil))
        }
        var budget = YAMLBudget(remaining: nodeBudget)
        do {
            return .success(try fields(of: mapping, budget: &budget))
        } catch {
            return .failure(Failure(message: "frontmatter YAML expands to more than \(nodeBudget) values", line: nil,
                                    salvaged: salvage(yaml)))
        }
    }

    private static func fields(of mapping: Node.Mapping, budget: inout YAMLBudget) throws -> FrontmatterFields {
        var fields = FrontmatterFields()
        for (keyNode, value) in mapping {
            try budget.spend(depth: 1)
            let key = try YAMLText.flat(keyNode, budget: &budget, depth: 1)
            switch key {
            case "title":
                fields.title = try YAMLText.joined(value, budget: &budget)
            case "type":
                fields.type = try YAMLText.joined(value, budget: &budget)
            case "permalink":
                try budget.spend(depth: 1)
                fields.permalink = YAMLText.scalarText(value)
            case "tags":
                fields.tags = try YAMLText.tags(value, budget: &budget)
            case "aliases":
                fields.aliases = try YAMLText.aliases(value, budget: &budget)
            default:
                guard let text = try YAMLText.metadataValue(value, budget: &budget) else { continue }
                fields.metadata[key] = text
                // Basic Memory turns semantics off for YAML false (`false`, `no`, `off`…) or the text "false".
                if key == "bm_parse_semantics", text.lowercased() == "false" {
                    fields.parseSemantics = false
                }
            }
        }
        return fields
    }

    /// What a too-large frontmatter still tells without a YAML parse: its top-level one-line
    /// `title`, `type`, `permalink` and `tags` (a flow list or commas), the last of each winning
    /// as in YAML, so the note keeps its name and permalink.
    static func salvage(_ yaml: String) -> FrontmatterFields {
        var fields = FrontmatterFields()
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let first = line.first, !first.isWhitespace, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard ["title", "type", "permalink", "tags"].contains(key) else { continue }
            let raw = line[line.index(after: colon)...].trimmingWhitespace()
            guard !raw.isEmpty else { continue }
            if key == "tags" {
                let list = raw.hasPrefix("[") && raw.hasSuffix("]") ? raw.dropFirst().dropLast() : raw
                fields.tags = list.split(separator: ",").map { unquoted($0.trimmingWhitespace()) }
                    .map { String($0.trimmingWhitespace().drop { $0 == "#" }) }.filter { !$0.isEmpty }
                continue
            }
            let value = unquoted(raw)
            switch key {
            case "title": fields.title = value
            case "type": fields.type = value
            default: fields.permalink = value
            }
        }
        return fields
    }

    /// A quoted scalar's text, or a plain one resolved as PyYAML would.
    private static func unquoted(_ raw: Substring) -> String {
        if raw.count >= 2, let quote = raw.first, quote == "\"" || quote == "'", raw.last == quote {
            return String(raw.dropFirst().dropLast())
        }
        return YAMLScalar.normalized(String(raw)) ?? String(raw)
    }

    private static func compose(_ yaml: String) throws -> Node? {
        // Explicit arguments: the default encoding reads the whole process environment on every call,
        // and tag resolution runs regexes we don't need (plain scalars are resolved by `YAMLScalar`).
        try Yams.compose(yaml: yaml, .basic, .default, .utf8)
    }

    /// The YAML without the earlier entries of the given top-level keys (an entry is its `key:`
    /// line and the indented or blank lines after it); nil when a key is not repeated at the top
    /// level (a repeat inside a nested mapping).
    static func keepingLastOccurrence(of keys: Set<String>, in yaml: String) -> String? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        func topLevelKey(_ line: Substring) -> String? {
            guard let first = line.first, !first.isWhitespace, first != "#", first != "-",
                  let colon = line.firstIndex(of: ":") else { return nil }
            var key = line[..<colon].trimmingWhitespace()
            if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
                key = key.dropFirst().dropLast()
            }
            return String(key)
        }
        var entries: [(key: String?, lines: [Substring])] = []
        for line in lines {
            if let key = topLevelKey(line) {
                entries.append((key, [line]))
            } else if entries.isEmpty {
                entries.append((nil, [line]))
            } else {
                entries[entries.count - 1].lines.append(line)
            }
        }
        var last: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { if let key = entry.key { last[key] = index } }
        guard keys.allSatisfy({ key in entries.filter { $0.key == key }.count > 1 }) else { return nil }
        let kept = entries.enumerated().filter { index, entry in
            guard let key = entry.key, keys.contains(key) else { return true }
            return last[key] == index
        }
        return kept.flatMap(\.element.lines).joined(separator: "\n")
    }

    /// Counts `*name` alias tokens: a `*` at the start of a value, followed by a name.
    private static func aliasCount(_ yaml: String) -> Int {
        var count = 0
        var previous: UInt8 = UInt8(ascii: "\n")
        var star = false
        for byte in yaml.utf8 {
            if star, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "*") { count += 1 }
            star = byte == UInt8(ascii: "*") && [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"),
                                                   UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","),
                                                   UInt8(ascii: ":"), UInt8(ascii: "-")].contains(previous)
            previous = byte
        }
        return count
    }

    private static func describe(_ error: YamlError) -> Failure {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return Failure(message: "invalid YAML: \(problem)", line: max(0, mark.line - 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Failure(message: "duplicate frontmatter key \(duplicates.joined(separator: ", "))",
                           line: max(0, context.mark.line - 1))
        case .reader(let problem, _, _, _):
            return Failure(message: "invalid YAML: \(problem)", line: nil)
        default:
            return Failure(message: "invalid YAML", line: nil)
        }
    }
}

/// A count of YAML nodes still allowed to be visited; exhausting it aborts the conversion.
struct YAMLBudget {
    struct Exhausted: Error {}
    var remaining: Int

    mutating func spend(depth: Int) throws {
        remaining -= 1
        if remaining < 0 || depth > FrontmatterFields.maxDepth { throw Exhausted() }
    }
}
