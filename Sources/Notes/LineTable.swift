/// A text with its line starts, for converting LSP positions and applying edits.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as LSP defines them.
public struct LineTable: Sendable {
    /// The text, stored as contiguous UTF-8.
    public let text: String
    /// Byte offset where each line starts; never empty.
    private let lineStarts: [Int]

    /// Indexes the line starts of `text`.
    public init(_ text: String) {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        self.text = contiguous
        self.lineStarts = contiguous.utf8.withContiguousStorageIfAvailable(LineTable.lineStarts(of:)) ?? [0]
    }

    /// The number of lines; a text ending in a line break has an empty last line.
    public var lineCount: Int { lineStarts.count }

    /// The byte offset of an LSP position; a character past the line's end clamps to the end
    /// (before the line break), a line past the last clamps to the end of the text.
    public func utf8Offset(line: Int, character: Int, encoding: PositionEncoding) -> Int {
        if line < 0 { return 0 }
        if line >= lineStarts.count { return text.utf8.count }
        return withBytes { bytes in
            let start = lineStarts[line]
            let end = contentEnd(line, bytes)
            var offset = start
            var consumed = 0
            while offset < end {
                let width = UTF8Bytes.units(lead: bytes[offset], in: encoding)
                // A position inside a scalar (half a surrogate pair, mid-sequence byte) rounds down.
                if consumed + width > character { break }
                consumed += width
                offset += scalarLength(bytes, at: offset, end: end)
            }
            return offset
        }
    }

    /// The LSP position of a byte offset (clamped to the text; an offset inside a line break
    /// maps to the end of that line).
    public func position(utf8Offset: Int, encoding: PositionEncoding) -> (line: Int, character: Int) {
        let offset = max(0, min(utf8Offset, text.utf8.count))
        let line = lineIndex(containing: offset)
        return withBytes { bytes in
            let start = lineStarts[line]
            let stop = min(offset, contentEnd(line, bytes))
            var character = 0
            var i = start
            while i < stop {
                character += UTF8Bytes.units(lead: bytes[i], in: encoding)
                i += scalarLength(bytes, at: i, end: stop)
            }
            return (line, character)
        }
    }

    /// The text of a line without its line break (empty for a line past the end).
    public func lineText(_ line: Int) -> Substring {
        guard line >= 0, line < lineStarts.count else { return "" }
        let end = withBytes { contentEnd(line, $0) }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: lineStarts[line])
        let to = utf8.index(utf8.startIndex, offsetBy: end)
        return text[from..<to]
    }

    private func lineIndex(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    private func contentEnd(_ line: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard line + 1 < lineStarts.count else { return bytes.count }
        let next = lineStarts[line + 1]
        if bytes[next - 1] == UInt8(ascii: "\n"), next - 2 >= lineStarts[line], bytes[next - 2] == UInt8(ascii: "\r") {
            return next - 2
        }
        return next - 1
    }

    private func scalarLength(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, end: Int) -> Int {
        var next = offset + 1
        while next < end, UTF8Bytes.isContinuation(bytes[next]) { next += 1 }
        return next - offset
    }

    private func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    private static func lineStarts(of bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var starts = [0]
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                starts.append(i + 1)
            } else if byte == UInt8(ascii: "\r") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        return starts
    }
}
