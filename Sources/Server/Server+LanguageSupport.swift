import Foundation
import Index
import JSON
import JSONRPC
import LSP
import Notes
import Support
import Vault
import Workspace

/// A note as the client sees it (the open buffer, else the file), parsed, with its line table.
struct NoteSnapshot: Sendable {
    var path: String
    var uri: String
    var text: String
    var lines: LineTable
    var parsed: ParsedNote
    /// The buffer's LSP version when the note is open in the editor.
    var openVersion: Int?

    init(path: String, uri: String, text: String, openVersion: Int?) {
        self.path = path
        self.uri = uri
        self.text = text
        self.lines = LineTable(text)
        self.parsed = NoteParser.parse(text, path: path)
        self.openVersion = openVersion
    }

    /// The byte offset where `line` starts.
    func lineStart(_ line: Int) -> Int { lines.utf8Offset(line: line, character: 0, encoding: .utf8) }

    /// The bytes of `line` without its line break.
    func lineBytes(_ line: Int) -> [UInt8] { Array(lines.lineText(line).utf8) }

    /// The column, in `encoding`, of byte `column` of `line`.
    func character(line: Int, byteColumn column: Int, encoding: PositionEncoding) -> Int {
        lines.position(utf8Offset: lineStart(line) + column, encoding: encoding).character
    }

    /// An LSP range on one line, from byte columns.
    func range(line: Int, bytes: Range<Int>, encoding: PositionEncoding) -> JSONValue {
        Self.range(line: line, start: character(line: line, byteColumn: bytes.lowerBound, encoding: encoding),
                   end: character(line: line, byteColumn: bytes.upperBound, encoding: encoding))
    }

    /// The explicit relation or link (`[[…]]` or `[…](….md)`) under a cursor.
    func relation(at cursor: Cursor) -> Relation? {
        parsed.relations.first { $0.span.line == cursor.line && $0.span.utf8.contains(cursor.byte) }
    }

    /// The byte columns of a wiki link's target as written (inside `[[`, before any `|`, trimmed);
    /// nil for a markdown link.
    func writtenTarget(of span: TextSpan) -> Range<Int>? {
        Self.writtenTarget(in: lineBytes(span.line), span: span.utf8)
    }

    static func writtenTarget(in bytes: [UInt8], span: Range<Int>) -> Range<Int>? {
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

    static func range(line: Int, start: Int, end: Int) -> JSONValue { LSPRange(line: line, start: start, end: end).json }
}

/// A position in a note, as a line and a byte column on it.
struct Cursor: Sendable {
    var line: Int
    var byte: Int
}

extension Server {
    /// The note a request names (`textDocument.uri`), from the open buffer or else the file.
    func snapshot(_ params: Params, session: VaultContext) async throws -> NoteSnapshot {
        let path = try session.resolve(try params.object("textDocument"))
        return try await snapshot(path: path, session: session)
    }

    func snapshot(path: ResolvedPath, session: VaultContext) async throws -> NoteSnapshot {
        if let document = documents[path.relative] {
            return NoteSnapshot(path: path.relative, uri: document.uri, text: document.text, openVersion: document.lspVersion)
        }
        let text = try await Blocking.run("reading \(path.relative)", timeout: session.saveTimeout) { () throws -> String in
            guard let file = try NoteFile.read(path) else { throw ResponseError.requestFailed("\(path.relative) does not exist") }
            return file.text
        }
        return NoteSnapshot(path: path.relative, uri: session.uri(path.relative), text: text, openVersion: nil)
    }

    /// The note's text for checking stored spans: the open buffer, else the file (nil if gone). Blocking.
    func currentText(of path: String, session: VaultContext) throws -> (text: String, openVersion: Int?)? {
        if let document = documents[path] { return (document.text, document.lspVersion) }
        guard let file = try NoteFile.read(try session.root.resolve(relativePath: path)) else { return nil }
        return (file.text, nil)
    }

    /// The `position` param as a line and byte column of `note`.
    func cursor(_ params: Params, in note: NoteSnapshot) throws(ResponseError) -> Cursor {
        let position = try params.object("position")
        let line = try position.integer("line")
        let character = try position.integer("character")
        guard line >= 0, character >= 0 else { throw .invalidParams("position: line and character must be 0 or more") }
        let offset = note.lines.utf8Offset(line: line, character: character, encoding: encoding)
        return Cursor(line: min(line, note.lines.lineCount - 1), byte: offset - note.lineStart(min(line, note.lines.lineCount - 1)))
    }

    /// A stored or parsed span as an LSP range in the negotiated encoding.
    func range(_ span: TextSpan) -> JSONValue {
        let columns = encoding == .utf8 ? span.utf8 : span.utf16
        return NoteSnapshot.range(line: span.line, start: columns.lowerBound, end: columns.upperBound)
    }

    /// A location at the top of a note.
    func noteLocation(_ path: String, session: VaultContext) -> JSONValue {
        Location(uri: session.uri(path), range: .top).json
    }

    /// Runs index work off the cooperative pool with the session's deadline.
    func indexQuery<T: Sendable>(_ what: String, _ session: VaultContext,
                                 _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Blocking.run(what, timeout: session.saveTimeout, body)
    }

    /// The client capability at `path` (e.g. ["textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"]).
    func clientCapability(_ path: [String]) -> JSONValue? {
        path.reduce(Optional(clientCapabilities)) { value, key in value?[key] }
    }
}
