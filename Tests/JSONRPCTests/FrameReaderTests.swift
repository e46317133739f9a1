import Testing
@testable import JSONRPC

/// Feeds a FrameReader exactly the given chunks, one per read (a chunk larger than the reader's free
/// space is handed over across several reads).
final class ScriptedInput: @unchecked Sendable {
    private var chunks: [[UInt8]]
    private(set) var bytesRead = 0

    init(_ chunks: [[UInt8]]) { self.chunks = chunks }
    convenience init(_ chunks: [String]) { self.init(chunks.map { Array($0.utf8) }) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !chunks.isEmpty else { return 0 }
        let n = min(buffer.count, chunks[0].count)
        chunks[0].withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        chunks[0].removeFirst(n)
        if chunks[0].isEmpty { chunks.removeFirst() }
        bytesRead += n
        return n
    }
}

/// Every event the reader produces until the end of input, as text.
func events(_ input: ScriptedInput, maxFrameSize: Int = 1 << 20) -> (events: [String], midFrame: Bool) {
    var reader = FrameReader(maxFrameSize: maxFrameSize, readChunk: input.read)
    var out: [String] = []
    while let event = reader.next() {
        switch event {
        case .frame(let body): out.append(String(decoding: body, as: UTF8.self))
        case .refused(let error): out.append("refused \(error.code): \(error.message)")
        }
    }
    return (out, reader.endedMidFrame)
}

@Test func headerCutMidwayAndBodyInManyChunks() {
    let input = ScriptedInput(["Content-Le", "ngth: 1", "4\r", "\n\r", "\n", "{\"a\"", ":", "1", ", ", "\"b\":", "2}"])
    #expect(events(input).events == ["{\"a\":1, \"b\":2}"])
}

@Test func severalMessagesInOneReadAndOptionalContentType() {
    let stream = "Content-Length: 2\r\n\r\n{}"
        + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:3\r\n\r\n[1]"
        + "CONTENT-LENGTH:  1 \r\n\r\n7"
    let result = events(ScriptedInput([stream]))
    #expect(result.events == ["{}", "[1]", "7"])
    #expect(!result.midFrame)
}

@Test func everySplitPointOfAStreamGivesTheSameFrames() {
    let stream = Array("Content-Length: 7\r\n\r\n\"hello\"Content-Type: x\r\nContent-Length: 2\r\n\r\n{}".utf8)
    for cut in 1..<stream.count {
        let input = ScriptedInput([Array(stream[..<cut]), Array(stream[cut...])])
        #expect(events(input).events == ["\"hello\"", "{}"], "split at \(cut)")
    }
    let byteByByte = ScriptedInput(stream.map { [$0] })
    #expect(events(byteByByte).events == ["\"hello\"", "{}"])
}

@Test func missingGarbageAndNegativeLengthsAreRefusedThenReadingResumes() {
    let stream = "Content-Type: text/plain\r\n\r\n{\"lost\":1}"
        + "Content-Length: abc\r\n\r\n{\"lost\":2}"
        + "Content-Length: -5\r\n\r\n{\"lost\":3}"
        + "Content-Length: 2\r\n\r\n{}"
    let result = events(ScriptedInput([stream])).events
    #expect(result.count == 4)
    #expect(result[0] == "refused -32700: invalid frame header: missing Content-Length; skipped to the next header")
    #expect(result[1].contains("Content-Length 'abc' is not a non-negative integer"))
    #expect(result[2].contains("Content-Length '-5' is not a non-negative integer"))
    #expect(result[3] == "{}")
}

@Test func bodyWithoutHeaderIsRefusedAndTheNextFrameIsFound() {
    let stream = "{\"jsonrpc\":\"2.0\"}Content-Length: 2\r\n\r\n{}"
    let result = events(ScriptedInput([stream])).events
    #expect(result.count == 2)
    #expect(result[0].contains("malformed header line"))
    #expect(result[1] == "{}")
}

@Test func headerWithoutBlankLineIsRefusedAfterTheHeaderLimit() {
    let junk = String(repeating: "x", count: FrameReader.maxHeaderSize + 100)
    let result = events(ScriptedInput([junk, "Content-Length: 2\r\n\r\n{}"])).events
    #expect(result.count == 2)
    #expect(result[0].contains("no blank line within"))
    #expect(result[1] == "{}")
}

@Test func oversizedFrameIsDiscardedInChunksNotBuffered() {
    let size = 20 << 20
    let body = [UInt8](repeating: UInt8(ascii: "a"), count: size)
    var chunks: [[UInt8]] = [Array("Content-Length: \(size)\r\n\r\n".utf8)]
    for offset in stride(from: 0, to: size, by: 1 << 20) { chunks.append(Array(body[offset..<offset + (1 << 20)])) }
    chunks.append(Array("Content-Length: 2\r\n\r\n{}".utf8))
    let input = ScriptedInput(chunks)
    var reader = FrameReader(maxFrameSize: 1 << 20, readChunk: input.read)

    guard case .refused(let error)? = reader.next() else {
        Issue.record("expected a refusal")
        return
    }
    #expect(error.code == -32600)
    #expect(error.message == "frame refused: Content-Length \(size) exceeds the limit of \(1 << 20) bytes; body skipped")
    guard case .frame(let next)? = reader.next() else {
        Issue.record("expected the frame after the oversized one")
        return
    }
    #expect(String(decoding: next, as: UTF8.self) == "{}")
    #expect(input.bytesRead > size)
    #expect(reader.bufferCapacity <= 2 * FrameReader.chunkSize)
}

@Test func endOfInputMidFrameEndsReading() {
    let result = events(ScriptedInput(["Content-Length: 10\r\n\r\n{\"a\":"]))
    #expect(result.events.isEmpty)
    #expect(result.midFrame)
    let header = events(ScriptedInput(["Content-Len"]))
    #expect(header.events.isEmpty && header.midFrame)
    let clean = events(ScriptedInput(["Content-Length: 2\r\n\r\n{}"]))
    #expect(clean.events == ["{}"] && !clean.midFrame)
}

@Test func aLargeFrameWithinTheLimitIsDelivered() {
    let size = 3 << 20
    let body = "\"" + String(repeating: "z", count: size - 2) + "\""
    let chunks = ["Content-Length: \(size)\r\n\r\n"] + stride(from: 0, to: size, by: 100_000).map { offset in
        String(body.utf8.dropFirst(offset).prefix(100_000))!
    }
    let result = events(ScriptedInput(chunks), maxFrameSize: size).events
    #expect(result.count == 1)
    #expect(result.first?.utf8.count == size)
}
