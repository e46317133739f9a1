/// A position in a text as LSP sends it: a 0-based line and a character offset in the
/// negotiated encoding.
public struct TextPosition: Sendable, Hashable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }
}

/// A range between two positions, end exclusive.
public struct TextRange: Sendable, Hashable {
    public var start: TextPosition
    public var end: TextPosition

    public init(start: TextPosition, end: TextPosition) {
        self.start = start
        self.end = end
    }
}

/// One change to a text: replace `range` with `text`, or the whole text when `range` is nil.
public struct TextEdit: Sendable, Hashable {
    public var range: TextRange?
    public var text: String

    public init(range: TextRange?, text: String) {
        self.range = range
        self.text = text
    }
}

public extension String {
    /// The text after applying `edits` in order, each against the result of the previous one
    /// (LSP incremental sync); a reversed range is treated as if its ends were swapped.
    func applying(_ edits: [TextEdit], encoding: PositionEncoding) -> String {
        var current = self
        for edit in edits {
            guard let range = edit.range else {
                current = edit.text
                continue
            }
            let table = LineTable(current)
            var start = table.utf8Offset(line: range.start.line, character: range.start.character, encoding: encoding)
            var end = table.utf8Offset(line: range.end.line, character: range.end.character, encoding: encoding)
            if end < start { swap(&start, &end) }
            var bytes = Array(table.text.utf8)
            bytes.replaceSubrange(start..<end, with: edit.text.utf8)
            current = String(decoding: bytes, as: UTF8.self)
        }
        return current
    }
}
