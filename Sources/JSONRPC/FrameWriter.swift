import Foundation
import Support

/// Writes whole frames to one file descriptor from a dedicated thread, in the order they were queued,
/// so no caller (least of all the reader) ever blocks on a slow or stalled client.
final class FrameWriter: @unchecked Sendable {
    // Safe: the queue and its flags are guarded by `condition`; the descriptor is written by one thread.
    private let fd: Int32
    private let onFailure: @Sendable (Int32) -> Void
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [[UInt8]] = []
    private var busy = false
    private var closing = false
    private var failed = false

    /// `onFailure` runs once, on the writer thread, with the errno of the first failed write (EPIPE: client gone).
    init(fd: Int32, onFailure: @escaping @Sendable (Int32) -> Void) {
        self.fd = fd
        self.onFailure = onFailure
        let thread = Thread { [self] in run() }
        thread.name = "jsonrpc-writer"
        thread.start()
    }

    /// Queues `body` framed with its Content-Length; false if the writer is closed or the output failed.
    @discardableResult
    func enqueue(body: [UInt8]) -> Bool {
        var frame = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        frame.append(contentsOf: body)
        condition.lock()
        defer { condition.unlock() }
        guard !closing, !failed else { return false }
        queue.append(frame)
        condition.signal()
        return true
    }

    /// Waits until every queued frame is written (or the output failed), then ends the writer thread.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while (busy || !queue.isEmpty) && !failed { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            busy = true
            condition.unlock()

            let error = write(batch)
            // Report before `close()` can return, so the callback never outlives the connection.
            if let error { onFailure(error) }

            condition.lock()
            busy = false
            if error != nil {
                failed = true
                queue.removeAll()
            }
            condition.broadcast()
            condition.unlock()
            if error != nil { return }
        }
    }

    /// Writes frames, coalescing small ones into fewer system calls; the errno of a failure, or nil.
    private func write(_ frames: [[UInt8]]) -> Int32? {
        if frames.count == 1 { return frames[0].withUnsafeBytes { writeAll(fd, $0) } }
        let coalesceLimit = 64 << 10
        var pending: [UInt8] = []
        for frame in frames {
            if !pending.isEmpty && pending.count + frame.count > coalesceLimit {
                if let error = pending.withUnsafeBytes({ writeAll(fd, $0) }) { return error }
                pending.removeAll(keepingCapacity: true)
            }
            if frame.count >= coalesceLimit {
                if let error = frame.withUnsafeBytes({ writeAll(fd, $0) }) { return error }
            } else {
                pending.append(contentsOf: frame)
            }
        }
        return pending.isEmpty ? nil : pending.withUnsafeBytes { writeAll(fd, $0) }
    }
}
