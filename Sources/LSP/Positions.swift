import JSON

/// A place in a text document: a 0-based line and a column in the negotiated position encoding.
public struct Position: Sendable, Hashable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public var json: JSONValue { ["line": JSONValue(line), "character": JSONValue(character)] }
}

/// The LSP `Range`: from `start` up to (not including) `end`.
public struct LSPRange: Sendable, Hashable {
    public var start: Position
    public var end: Position

    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    /// Columns `start..<end` of one line.
    public init(line: Int, start: Int, end: Int) {
        self.init(start: Position(line: line, character: start), end: Position(line: line, character: end))
    }

    /// From the start of line `lines.lowerBound` to the start of line `lines.upperBound`.
    public init(lines: Range<Int>) {
        self.init(start: Position(line: lines.lowerBound, character: 0), end: Position(line: lines.upperBound, character: 0))
    }

    /// The empty range at the top of a document.
    public static let top = LSPRange(line: 0, start: 0, end: 0)

    public var json: JSONValue { ["start": start.json, "end": end.json] }
}

/// A range in a document named by its URI.
public struct Location: Sendable, Hashable {
    public var uri: String
    public var range: LSPRange

    public init(uri: String, range: LSPRange) {
        self.uri = uri
        self.range = range
    }

    public var json: JSONValue { ["uri": .string(uri), "range": range.json] }
}
