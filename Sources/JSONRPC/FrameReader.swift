/// Splits a byte stream into LSP base-protocol frames (`Content-Length: N\r\n` plus optional other
/// headers, a blank line, then N bytes of body).
///
/// A frame it cannot accept is reported as `.refused` and never buffered whole:
/// - a missing, non-numeric or negative Content-Length, a malformed header line, or a header with no
///   blank line within `maxHeaderSize` bytes: -32700, then the reader skips forward to the next
///   `Content-Length` header it can find (discarding the unknown body as it goes);
/// - a Content-Length above `maxFrameSize`: -32600, and exactly that many bytes are discarded in
///   buffer-sized chunks.
struct FrameReader {
    enum Event {
        case frame(ArraySlice<UInt8>)
        case refused(ResponseError)
    }

    private enum State {
        case header
        case body(length: Int)
        case discard(remaining: Int)
        case resync
    }

    private enum Header {
        case length(Int)
        case invalid(String)
        case malformedLine(at: Int, String)
    }

    static let maxHeaderSize = 8192
    static let chunkSize = 64 << 10
    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)
    private static let lengthName: [UInt8] = Array("content-length".utf8)

    let maxFrameSize: Int
    private let readChunk: (UnsafeMutableRawBufferPointer) -> Int
    private var buffer = [UInt8](repeating: 0, count: chunkSize)
    private var start = 0
    private var end = 0
    private var state = State.header

    /// Bytes held for the current frame; a refused frame's body never raises it past a chunk or two.
    var bufferCapacity: Int { buffer.count }
    /// True once the stream ended with part of a frame read.
    private(set) var endedMidFrame = false

    /// `readChunk` fills some of the buffer it is given and returns the count, or 0 at end of input.
    init(maxFrameSize: Int, readChunk: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        self.maxFrameSize = maxFrameSize
        self.readChunk = readChunk
    }

    /// The next frame or refusal; nil at end of input.
    mutating func next() -> Event? {
        while true {
            switch state {
            case .header:
                while start < end, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
                guard let blank = find(Self.terminator, from: start) else {
                    if end - start > Self.maxHeaderSize {
                        state = .resync
                        start += 1
                        return .refused(.parseError(
                            "invalid frame header: no blank line within \(Self.maxHeaderSize) bytes; skipped to the next header"))
                    }
                    guard readMore() else { return nil }
                    continue
                }
                switch parseHeader(start..<blank) {
                case .length(let length) where length <= maxFrameSize:
                    start = blank + 4
                    state = .body(length: length)
                case .length(let length):
                    start = blank + 4
                    state = .discard(remaining: length)
                    return .refused(.invalidRequest(
                        "frame refused: Content-Length \(length) exceeds the limit of \(maxFrameSize) bytes; body skipped"))
                case .invalid(let why):
                    start = blank + 4
                    state = .resync
                    return .refused(.parseError("invalid frame header: \(why); skipped to the next header"))
                case .malformedLine(let lineStart, let line):
                    start = lineStart + 1
                    state = .resync
                    return .refused(.parseError(
                        "invalid frame header: malformed header line '\(line)'; skipped to the next header"))
                }
            case .body(let length):
                if end - start >= length {
                    let frame = buffer[start..<start + length]
                    start += length
                    state = .header
                    return .frame(frame)
                }
                makeRoom(for: length)
                guard readMore() else { return nil }
            case .discard(let remaining):
                let dropped = min(remaining, end - start)
                start += dropped
                if remaining == dropped {
                    state = .header
                    continue
                }
                state = .discard(remaining: remaining - dropped)
                guard readMore() else { return nil }
            case .resync:
                if let found = findLengthHeader(from: start) {
                    start = found
                    state = .header
                    continue
                }
                // Keep only a tail that could be the start of a split "Content-Length".
                start = max(start, end - (Self.lengthName.count - 1))
                guard readMore() else { return nil }
            }
        }
    }

    /// Reads once into free space, compacting first; false at end of input.
    private mutating func readMore() -> Bool {
        if start == end {
            start = 0
            end = 0
            if buffer.count > 4 * Self.chunkSize { buffer = [UInt8](repeating: 0, count: Self.chunkSize) }
        }
        if end == buffer.count { compact() }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let from = end
        let n = buffer.withUnsafeMutableBytes { readChunk(UnsafeMutableRawBufferPointer(rebasing: $0[from...])) }
        guard n > 0 else {
            if case .header = state, start == end {} else { endedMidFrame = true }
            return false
        }
        end += n
        return true
    }

    /// Ensures a body of `length` bytes starting at `start` fits in the buffer.
    private mutating func makeRoom(for length: Int) {
        if buffer.count - start < length { compact() }
        if buffer.count < length { buffer.append(contentsOf: repeatElement(0, count: length - buffer.count)) }
    }

    private mutating func compact() {
        guard start > 0 else { return }
        let count = end - start
        let from = start
        buffer.withUnsafeMutableBytes { raw in
            raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: count)
        }
        start = 0
        end = count
    }

    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard end - from >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            var i = from
            while i <= end - needle.count {
                if bytes[i] == needle[0] && bytes[i + 1] == needle[1] && bytes[i + 2] == needle[2] && bytes[i + 3] == needle[3] {
                    return i
                }
                i += 1
            }
            return nil
        }
    }

    /// Where "content-length" (any case) next occurs, or nil.
    private func findLengthHeader(from: Int) -> Int? {
        let name = Self.lengthName
        guard end - from >= name.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            outer: for i in from...(end - name.count) {
                for j in 0..<name.count where bytes[i + j] | 0x20 != name[j] { continue outer }
                return i
            }
            return nil
        }
    }

    private func parseHeader(_ range: Range<Int>) -> Header {
        var length: Int?
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            var lineEnd = lineStart
            while lineEnd < range.upperBound, !(buffer[lineEnd] == 13 && lineEnd + 1 < range.upperBound && buffer[lineEnd + 1] == 10) {
                lineEnd += 1
            }
            let line = buffer[lineStart..<lineEnd]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > lineStart,
                  line[..<colon].allSatisfy(Self.isTokenByte)
            else { return .malformedLine(at: lineStart, Self.printable(line)) }
            if Self.equalsIgnoringCase(line[..<colon], Self.lengthName) {
                var value = line[(colon + 1)...]
                while let first = value.first, Self.isBlank(first) { value.removeFirst() }
                while let last = value.last, Self.isBlank(last) { value.removeLast() }
                guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return .invalid("Content-Length '\(Self.printable(value))' is not a non-negative integer")
                }
                length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
            }
            lineStart = lineEnd + 2
        }
        guard let length else { return .invalid("missing Content-Length") }
        return .length(length)
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b | 0x20 >= 97 && b | 0x20 <= 122) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 }

    private static func equalsIgnoringCase(_ a: ArraySlice<UInt8>, _ lowercase: [UInt8]) -> Bool {
        a.count == lowercase.count && zip(a, lowercase).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(60), as: UTF8.self)
        let escaped = text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : String($0) }.joined()
        return bytes.count > 60 ? escaped + "…" : escaped
    }
}
