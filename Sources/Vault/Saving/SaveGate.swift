import Foundation

/// Counts saves in progress so the process can let them finish before it exits: a save cut off
/// between its steps would leave a temporary file behind, or an index that names bytes the file
/// never received. Once closed, no new save starts.
package final class SaveGate: @unchecked Sendable {
    // Safe: `active` and `closed` are guarded by `condition` (a condition, not Locked: `close` waits on it).
    private let condition = NSCondition()
    private var active = 0  // guarded by `condition`
    private var closed = false

    package init() {}

    package struct Closed: Error, CustomStringConvertible {
        package var description: String { "the server is exiting; your text is unsaved" }
    }

    /// Runs `body` as one save, unless the gate is closed.
    package func run<T>(_ body: () throws -> T) throws -> T {
        condition.lock()
        guard !closed else {
            condition.unlock()
            throw Closed()
        }
        active += 1
        condition.unlock()
        defer {
            condition.lock()
            active -= 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// Refuses new saves and waits up to `timeout` seconds for those under way; true if none is left.
    @discardableResult
    package func close(waitingUpTo timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        closed = true
        while active > 0 {
            if !condition.wait(until: deadline) { return active == 0 }
        }
        return true
    }
}
