import Foundation
import JSON
@testable import JSONRPC

/// A Connection running on its own thread over two pipes, and the client ends of those pipes.
final class TestPeer: @unchecked Sendable {
    let connection: Connection
    /// The client writes here; the connection reads the other end.
    private(set) var toServer: Int32
    private let serverInput: Int32
    private let fromServer: Int32
    private let serverOutput: Int32
    private var reader: FrameReader!
    private let finished = NSCondition()
    private var isFinished = false

    init(handler: any MessageHandler = TestHandler(), maxFrameSize: Int = 64 << 20) {
        var a: [Int32] = [0, 0], b: [Int32] = [0, 0]
        precondition(pipe(&a) == 0 && pipe(&b) == 0)
        (serverInput, toServer) = (a[0], a[1])
        (fromServer, serverOutput) = (b[0], b[1])
        connection = Connection(input: serverInput, output: serverOutput, maxFrameSize: maxFrameSize)
        let fd = fromServer
        reader = FrameReader(maxFrameSize: 1 << 30) { buffer in
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 10_000) > 0 else { return 0 }
            return max(0, read(fd, buffer.baseAddress, buffer.count))
        }
        Thread { [self] in
            connection.run(handler)
            finished.withLock {
                isFinished = true
                finished.broadcast()
            }
        }.start()
    }

    deinit {
        closeInput()
        _ = waitUntilFinished()
        for fd in [serverInput, fromServer, serverOutput] { close(fd) }
    }

    /// Writes raw bytes to the connection's input.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(toServer, raw.baseAddress! + offset, raw.count - offset)
                precondition(n > 0, "write to the connection failed")
                offset += n
            }
        }
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    /// Writes `pieces` one at a time, each only after the connection has read everything before it,
    /// so the reader really sees the stream split at those points.
    func writeSplit(_ pieces: [[UInt8]]) {
        for piece in pieces {
            write(piece)
            precondition(eventually { unreadInput == 0 }, "the connection stopped reading")
        }
    }

    /// Bytes written to the connection that it has not read yet.
    private var unreadInput: Int32 {
        var count: Int32 = 0
        _ = ioctl(serverInput, UInt(FIONREAD), &count)
        return count
    }

    /// Sends one framed message.
    func send(_ message: JSONValue) { write(frame(message.serialized())) }

    /// The next message from the connection, or nil after 10 s without one.
    func receive() -> JSONValue? {
        guard case .frame(let body)? = reader.next() else { return nil }
        return try? JSONValue.parse(body)
    }

    /// Ends the connection's input (EOF).
    func closeInput() {
        guard toServer >= 0 else { return }
        close(toServer)
        toServer = -1
    }

    /// True once `run` has returned, waiting up to 10 s.
    func waitUntilFinished() -> Bool {
        finished.withLock {
            let deadline = Date().addingTimeInterval(10)
            while !isFinished && finished.wait(until: deadline) {}
            return isFinished
        }
    }
}

func frame(_ body: [UInt8]) -> [UInt8] { Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body }
func frame(_ body: String) -> [UInt8] { frame(Array(body.utf8)) }

func request(_ id: Int64, _ method: String, _ params: JSONValue? = nil) -> JSONValue {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method)]
    if let params { message["params"] = params }
    return .object(message)
}
