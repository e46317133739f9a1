// libFuzzer target: the JSON-RPC frame reader (Content-Length framing).
// Invariants: it never crashes or loops; every frame it hands out is within the size limit; a
// refused frame never makes it hold the whole body (bounded buffer); and a stream of well-formed
// frames built from the input comes back exactly, however the reads are split.
@testable import JSONRPC

private let limit = 4096

/// Feeds `bytes` to the reader in reads of the sizes `splits` cycles through.
private func events(of bytes: [UInt8], splits: [Int]) -> (frames: [[UInt8]], refusals: Int) {
    var offset = 0
    var turn = 0
    var reader = FrameReader(maxFrameSize: limit) { buffer in
        let size = min(buffer.count, bytes.count - offset, max(1, splits.isEmpty ? buffer.count : splits[turn % splits.count]))
        turn += 1
        guard size > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + size]))
        }
        offset += size
        return size
    }
    var frames: [[UInt8]] = []
    var refusals = 0
    var steps = 0
    while let event = reader.next() {
        steps += 1
        check(steps <= bytes.count + 2, "the reader yields more events than there are bytes")
        switch event {
        case .frame(let body):
            check(body.count <= limit, "a frame above the limit was handed out")
            frames.append(Array(body))
        case .refused:
            refusals += 1
        }
        check(reader.bufferCapacity <= 8 * FrameReader.chunkSize + limit, "the buffer grew to \(reader.bufferCapacity) bytes")
    }
    return (frames, refusals)
}

private func frame(_ body: ArraySlice<UInt8>, header: Int) -> [UInt8] {
    let headers = ["Content-Length: \(body.count)\r\n\r\n",
                   "content-length:\(body.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
                   "Content-Type: x\r\nCONTENT-LENGTH: \t\(body.count) \r\n\r\n"]
    return Array(headers[header % headers.count].utf8) + body
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let control = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    let splits = rest.prefix(Int(control & 7)).map { Int($0) + 1 }

    // Arbitrary bytes: no crash, bounded memory, termination.
    _ = events(of: rest, splits: splits)

    // Well-formed frames (bodies cut from the input at 0xFF bytes) come back exactly.
    let bodies = rest.split(separator: 0xFF, omittingEmptySubsequences: false).filter { !$0.isEmpty }
    var stream: [UInt8] = []
    for (index, body) in bodies.enumerated() { stream += frame(body, header: index + Int(control >> 3)) }
    let read = events(of: stream, splits: splits)
    check(read.refusals == 0, "a well-formed frame was refused")
    check(read.frames == bodies.map(Array.init), "well-formed frames came back changed")
    return 0
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}
