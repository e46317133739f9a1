import Foundation
import JSON
import LSP
import Notes

/// A note as the client sees it (the open buffer, else the file), parsed, with its line table.
package struct NoteSnapshot: Sendable {
    package var path: String
    package var uri: String
    package var text: String
    package var lines: LineTable
    package var parsed: ParsedNote
    /// The buffer's LSP version when the note is open in the editor.
    package var openVersion: Int?

    package init(path: String, uri: String, text: String, openVersion: Int?) {
        self.path = path
        self.uri = uri
        self.text = text
        self.lines = LineTable(text)
        self.parsed = NoteParser.parse(text, path: path)
        self.openVersion = openVersion
    }

    /// The byte offset where `line` starts.
    package func lineStart(_ line: Int) -> Int { lines.utf8Offset(line: line, character: 0, encoding: .utf8) }

    /// The bytes of `line` without its line break.
    package func lineBytes(_ line: Int) -> [UInt8] { Array(lines.lineText(line).utf8) }

    /// The column, in `encoding`, of byte `column` of `line`.
    package func character(line: Int, byteColumn column: Int, encoding: PositionEncoding) -> Int {
        lines.position(utf8Offset: lineStart(line) + column, encoding: encoding).character
    }

    /// An LSP range on one line, from byte columns.
    package func range(line: Int, bytes: Range<Int>, encoding: PositionEncoding) -> JSONValue {
        lspRange(line: line, bytes: bytes, encoding: encoding).json
    }

    package func lspRange(line: Int, bytes: Range<Int>, encoding: PositionEncoding) -> LSPRange {
        LSPRange(line: line, start: character(line: line, byteColumn: bytes.lowerBound, encoding: encoding),
                 end: character(line: line, byteColumn: bytes.upperBound, encoding: encoding))
    }

    /// The whole of `line` (without its line break).
    package func lineRange(_ line: Int, encoding: PositionEncoding) -> LSPRange {
        lspRange(line: line, bytes: 0..<lineBytes(line).count, encoding: encoding)
    }

    /// A client position as a line and byte column; a line past the end means the last line, a
    /// column past the end of its line means the line's end.
    package func cursor(at position: Position, encoding: PositionEncoding) -> Cursor {
        let line = min(max(0, position.line), lines.lineCount - 1)
        let offset = lines.utf8Offset(line: position.line, character: max(0, position.character), encoding: encoding)
        return Cursor(line: line, byte: offset - lineStart(line))
    }

    /// The explicit relation or link (`[[…]]` or `[…](….md)`) under a cursor.
    package func relation(at cursor: Cursor) -> Relation? {
        parsed.relations.first { $0.span.line == cursor.line && $0.span.utf8.contains(cursor.byte) }
    }

    /// The byte columns of a wiki link's target as written (inside `[[`, before any `|`, trimmed);
    /// nil for a markdown link.
    package func writtenTarget(of span: TextSpan) -> Range<Int>? {
        Self.writtenTarget(in: lineBytes(span.line), span: span.utf8)
    }

    package static func writtenTarget(in bytes: [UInt8], span: Range<Int>) -> Range<Int>? {
        guard span.lowerBound >= 0, span.upperBound <= bytes.count, span.count >= 4,
              bytes[span.lowerBound] == UInt8(ascii: "["), bytes[span.lowerBound + 1] == UInt8(ascii: "["),
              bytes[span.upperBound - 1] == UInt8(ascii: "]"), bytes[span.upperBound - 2] == UInt8(ascii: "]")
        else { return nil }
        var start = span.lowerBound + 2
        var end = bytes[start..<(span.upperBound - 2)].firstIndex(of: UInt8(ascii: "|")) ?? span.upperBound - 2
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return start..<end
    }

    package static func range(line: Int, start: Int, end: Int) -> JSONValue { LSPRange(line: line, start: start, end: end).json }

    /// A stored or parsed span as an LSP range in `encoding` (spans keep UTF-8 and UTF-16 columns).
    package static func range(of span: TextSpan, encoding: PositionEncoding) -> LSPRange {
        let columns = encoding == .utf8 ? span.utf8 : span.utf16
        return LSPRange(line: span.line, start: columns.lowerBound, end: columns.upperBound)
    }
}

/// A position in a note, as a line and a byte column on it.
package struct Cursor: Sendable {
    package var line: Int
    package var byte: Int

    package init(line: Int, byte: Int) {
        self.line = line
        self.byte = byte
    }
}
