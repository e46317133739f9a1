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
            return .failure(Failure(message: "frontmatter is larger than \(maxBytes / 1024) KB", line: nil))
        }
        if aliasCount(yaml) > maxAliases {
            return .failure(Failure(message: "frontmatter uses more than \(maxAliases) YAML aliases", line: nil))
        }
        let root: Node?
        do {
            // Explicit arguments: the default encoding reads the whole process environment on every call,
            // and tag resolution runs regexes we don't need (values are kept as written).
            root = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
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
            return .failure(Failure(message: "frontmatter YAML expands to more than \(nodeBudget) values", line: nil))
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
                fields.permalink = try YAMLText.joined(value, budget: &budget)
            case "tags":
                fields.tags = try YAMLText.tags(value, budget: &budget)
            case "aliases":
                fields.aliases = try YAMLText.aliases(value, budget: &budget)
            default:
                guard let text = try YAMLText.metadataValue(value, budget: &budget) else { continue }
                fields.metadata[key] = text
                if key == "bm_parse_semantics", ["false", "no", "off"].contains(text.lowercased()) {
                    fields.parseSemantics = false
                }
            }
        }
        return fields
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
