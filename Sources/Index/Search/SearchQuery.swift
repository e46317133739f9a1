/// A user's search text turned into an FTS5 expression plus filters. Plain words (of two or more
/// characters) match as prefixes and are ANDed; `"phrases"`, `word*`, `-word`, `AND`/`OR`/`NOT` and parentheses work
/// as written (with an explicit operator, bare words match whole words, as in Basic Memory);
/// `tag:x`, `type:x` and `in:folder/` filter. Text that does not form a valid query is searched
/// as plain words, so a query never fails. Every term reaches FTS5 quoted, so nothing the user
/// types is read as FTS5 syntax.
struct SearchQuery: Equatable {
    /// What to MATCH; nil when the text has no positive term.
    var expression: String?
    /// The positive part alone (no NOTs), for finding title hits.
    var positiveExpression: String?
    /// The negated terms ORed, for excluding them when there is no positive term.
    var negativeExpression: String?
    /// The same words ORed, when the query is plain words that may be retried that way.
    var orExpression: String?
    /// The positive words, for highlighting them in snippets.
    var highlightTerms: [HighlightTerm] = []
    var tags: [String] = []
    var types: [String] = []
    var folders: [String] = []

    /// Parses `text`, falling back to plain words when it is not a valid query.
    init(_ text: String) {
        let text = Self.withoutNUL(text)
        if let tokens = Self.tokenize(text) {
            let words = tokens.filter { token in
                guard case .word(let word, negated: false) = token, let filter = Filter(word) else { return true }
                add(filter)
                return false
            }
            let explicit = words.contains { [.and, .or, .not, .open, .close].contains($0) }
            var parser = Parser(tokens: words, exactWords: explicit)
            if let items = parser.parseAll() {
                build(from: items, mayRetryWithOr: !explicit)
                return
            }
        }
        self = SearchQuery(plainWords: text)
    }

    /// Every whitespace-separated token as a plain prefix word (filters still apply).
    init(plainWords text: String) {
        var items: [Item] = []
        for word in Self.withoutNUL(text).split(whereSeparator: \.isWhitespace).map(String.init) {
            if let filter = Filter(word) {
                add(filter)
            } else {
                items.append(Item(connector: .and, negated: false, node: .term(phrase: word, prefix: Self.impliesPrefix(word))))
            }
        }
        build(from: items, mayRetryWithOr: true)
    }

    /// FTS5 reads its query as a C string: a NUL byte would cut a quoted term short.
    private static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? String(text.unicodeScalars.filter { $0 != "\0" }) : text
    }

    /// `text` as an FTS5 string. Quotes are doubled byte by byte: compared as characters, a quote
    /// followed by a combining mark is not a quote, and it would end the string early.
    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A plain word matches as a prefix unless it is a single character, whose prefix matches
    /// most of the vocabulary (slow and useless); `x*` still asks for that explicitly.
    static func impliesPrefix(_ word: String) -> Bool {
        word.count > 1
    }

    private mutating func add(_ filter: Filter) {
        switch filter {
        case .tag(let tag): tags.append(tag)
        case .type(let type): types.append(type)
        case .folder(let folder): folders.append(folder)
        }
    }

    private mutating func build(from items: [Item], mayRetryWithOr: Bool) {
        let positives = items.filter { !$0.negated }.compactMap { item in item.rendered.map { (item.connector, $0) } }
        let negatives = items.filter(\.negated).compactMap(\.rendered)
        negativeExpression = negatives.isEmpty ? nil : negatives.joined(separator: " OR ")
        highlightTerms = items.flatMap(\.highlightTerms)
        guard !positives.isEmpty else { return }
        let positive = Self.join(positives)
        positiveExpression = positive
        expression = Self.subtract(negatives, from: positive)
        if mayRetryWithOr && positives.count > 1 {
            orExpression = Self.subtract(negatives, from: positives.map(\.1).joined(separator: " OR "))
        }
    }

    private static func join(_ parts: [(Connector, String)]) -> String {
        parts.dropFirst().reduce(parts[0].1) { text, part in text + (part.0 == .or ? " OR " : " AND ") + part.1 }
    }

    private static func subtract(_ negatives: [String], from positive: String) -> String {
        negatives.isEmpty ? positive : negatives.reduce("(\(positive))") { "\($0) NOT \($1)" }
    }

    // MARK: - Tokens

    enum Token: Equatable {
        case word(String, negated: Bool)
        case phrase(String, negated: Bool)
        case and, or, not, open, close
    }

    /// Splits the text into tokens; nil when a quote is left open.
    private static func tokenize(_ text: String) -> [Token]? {
        var tokens: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character.isWhitespace {
                index = next
            } else if character == "(" || character == ")" {
                tokens.append(character == "(" ? .open : .close)
                index = next
            } else if character == "\"" || (character == "-" && text[next...].first == "\"") {
                let negated = character == "-"
                let start = text.index(after: negated ? next : index)
                guard let end = text[start...].firstIndex(of: "\"") else { return nil }
                tokens.append(.phrase(String(text[start..<end]), negated: negated))
                index = text.index(after: end)
            } else {
                let end = text[index...].firstIndex { $0.isWhitespace || $0 == "(" || $0 == ")" } ?? text.endIndex
                let word = String(text[index..<end])
                switch word {
                case "AND": tokens.append(.and)
                case "OR": tokens.append(.or)
                case "NOT": tokens.append(.not)
                default:
                    let negated = word.count > 1 && word.hasPrefix("-")
                    tokens.append(.word(negated ? String(word.dropFirst()) : word, negated: negated))
                }
                index = end
            }
        }
        return tokens
    }

    private enum Filter {
        case tag(String), type(String), folder(String)

        init?(_ word: String) {
            guard let colon = word.firstIndex(of: ":") else { return nil }
            var value = String(word[word.index(after: colon)...])
            switch word[..<colon].lowercased() {
            case "tag":
                if value.hasPrefix("#") { value.removeFirst() }
                guard !value.isEmpty else { return nil }
                self = .tag(value)
            case "type":
                guard !value.isEmpty else { return nil }
                self = .type(value)
            case "in":
                value = value.split(separator: "/").joined(separator: "/")
                guard !value.isEmpty else { return nil }
                self = .folder(value)
            default:
                return nil
            }
        }
    }

    // MARK: - Syntax tree

    enum Connector { case and, or }

    indirect enum Node {
        case term(phrase: String, prefix: Bool)
        case group([Item])
    }

    struct Item {
        var connector: Connector
        var negated: Bool
        var node: Node

        /// The words of its positive terms, for highlighting.
        var highlightTerms: [HighlightTerm] {
            guard !negated else { return [] }
            switch node {
            case .term(let phrase, let prefix):
                let words = phrase.unicodeScalars.split { !($0.properties.isAlphabetic || $0.properties.numericType != nil) }
                    .map { Snippet.fold(String(String.UnicodeScalarView($0))) }
                return words.enumerated().map { HighlightTerm(word: $1, prefix: prefix && $0 == words.count - 1) }
            case .group(let items):
                return items.flatMap(\.highlightTerms)
            }
        }

        /// FTS5 text for this item without its negation; nil when it holds nothing searchable.
        var rendered: String? {
            switch node {
            case .term(let phrase, let prefix):
                guard phrase.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
                return SearchQuery.quoted(phrase) + (prefix ? "*" : "")
            case .group(let items):
                let positives = items.filter { !$0.negated }.compactMap { item in item.rendered.map { (item.connector, $0) } }
                guard !positives.isEmpty else { return nil }
                return "(" + SearchQuery.subtract(items.filter(\.negated).compactMap(\.rendered), from: SearchQuery.join(positives)) + ")"
            }
        }
    }

    /// Reads tokens as `item ((AND | OR | NOT)? item)*` with `item = term | '(' sequence ')'`.
    /// Fails on a dangling operator, an unbalanced parenthesis or an empty group.
    private struct Parser {
        let tokens: [Token]
        /// With explicit operators a bare word matches whole words only (`word*` for a prefix).
        let exactWords: Bool
        var position = 0
        /// Groups open around the current token. FTS5's own parser gives up below 100 nested
        /// parentheses, and each level is a stack frame here: deeper text reads as plain words.
        var depth = 0
        static let maxDepth = 32

        init(tokens: [Token], exactWords: Bool) {
            self.tokens = tokens
            self.exactWords = exactWords
        }

        mutating func parseAll() -> [Item]? {
            guard let items = parseSequence(), position == tokens.count else { return nil }
            return items
        }

        private mutating func parseSequence() -> [Item]? {
            var items: [Item] = []
            while position < tokens.count, tokens[position] != .close {
                var connector = Connector.and
                var negated = false
                if !items.isEmpty, tokens[position] == .and || tokens[position] == .or {
                    connector = tokens[position] == .or ? .or : .and
                    position += 1
                }
                if position < tokens.count, tokens[position] == .not {
                    // FTS5's NOT is binary: "a NOT b", never "NOT b" or "a OR NOT b".
                    guard !items.isEmpty, connector == .and else { return nil }
                    negated = true
                    position += 1
                }
                guard position < tokens.count, var item = parseItem() else { return nil }
                item.connector = connector
                item.negated = item.negated || negated
                items.append(item)
            }
            return items.isEmpty ? nil : items
        }

        private mutating func parseItem() -> Item? {
            let token = tokens[position]
            position += 1
            switch token {
            case .word(let word, let negated):
                let starred = word.hasSuffix("*")
                return Item(connector: .and, negated: negated,
                            node: .term(phrase: starred ? String(word.dropLast()) : word,
                                        prefix: starred || (!exactWords && SearchQuery.impliesPrefix(word))))
            case .phrase(let phrase, let negated):
                return Item(connector: .and, negated: negated, node: .term(phrase: phrase, prefix: false))
            case .open:
                guard depth < Self.maxDepth else { return nil }
                depth += 1
                defer { depth -= 1 }
                guard let items = parseSequence(), position < tokens.count, tokens[position] == .close else { return nil }
                position += 1
                return Item(connector: .and, negated: false, node: .group(items))
            case .and, .or, .not, .close:
                return nil
            }
        }
    }
}
