import Foundation
import JSON
import JSONRPC

/// Small requests through the whole Connection loop: a client thread writes framed requests into a
/// pipe, the connection reads, parses, dispatches and answers, and another client thread counts the
/// framed responses coming back through a second pipe.
enum LoopBench {
    struct Ping: MessageHandler {
        let viaTask: Bool
        func handleRequest(id: RequestID, method: String, params: JSONValue?, connection: Connection) {
            if viaTask {
                connection.answer(id) { ["ok": true, "n": params?["n"] ?? nil] }
            } else {
                connection.respond(id, .success(["ok": true, "n": params?["n"] ?? nil]))
            }
        }
        func handleNotification(method: String, params: JSONValue?, connection: Connection) {}
    }

    /// Requests per second for `count` requests answered by respond() or by answer().
    static func run(count: Int, viaTask: Bool) -> Double {
        var toServer: [Int32] = [0, 0], fromServer: [Int32] = [0, 0]
        precondition(pipe(&toServer) == 0 && pipe(&fromServer) == 0)
        let connection = Connection(input: toServer[0], output: fromServer[1])
        let finished = DispatchSemaphore(value: 0)
        Thread {
            connection.run(Ping(viaTask: viaTask))
            finished.signal()
        }.start()

        var framed: [UInt8] = []
        for i in 0..<count {
            let body: JSONValue = ["jsonrpc": "2.0", "id": .integer(Int64(i)), "method": "bench/ping", "params": ["n": .integer(Int64(i))]]
            framed += CodecBench.frame(body.serialized())
        }
        let stream = framed
        let clock = ContinuousClock()
        let start = clock.now
        let writeEnd = toServer[1]
        Thread {
            stream.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = write(writeEnd, bytes.baseAddress! + offset, min(64 << 10, bytes.count - offset))
                    precondition(n > 0)
                    offset += n
                }
            }
        }.start()
        let responses = countFrames(fd: fromServer[0], until: count)
        let elapsed = clock.now - start
        precondition(responses == count, "lost responses: \(responses) of \(count)")

        close(toServer[1])
        finished.wait()
        for fd in [toServer[0], fromServer[0], fromServer[1]] { close(fd) }
        return Double(count) / seconds(elapsed)
    }

    /// Reads until `count` frames have arrived; counts header terminators (bodies are compact JSON).
    private static func countFrames(fd: Int32, until count: Int) -> Int {
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        var seen = 0
        var tail: UInt32 = 0
        while seen < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            for i in 0..<n {
                tail = (tail << 8) | UInt32(buffer[i])
                if tail == 0x0D0A_0D0A { seen += 1 }
            }
        }
        return seen
    }
}
