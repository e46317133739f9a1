import Foundation
import Support

/// Counts saves in progress so the process can let them finish before it exits: a save cut off
/// between its steps would leave a temporary file behind, or an index that names bytes the file
/// never received. Once closed, no new save starts.
package final class SaveGate: Sendable {
    /// Saves under way, and whether new ones are refused; `active` only drops while closed.
    private let state = Locked<(active: Int, closed: Bool)>((0, false))

    package init() {}

    package struct Closed: Error, CustomStringConvertible {
        package var description: String { "the server is exiting; your text is unsaved" }
    }

    /// Runs `body` as one save, unless the gate is closed.
    package func run<T>(_ body: () throws -> T) throws -> T {
        try state.withLock { (state) throws(Closed) in
            guard !state.closed else { throw Closed() }
            state.active += 1
        }
        defer { state.withLock { $0.active -= 1 } }
        return try body()
    }

    /// Refuses new saves and waits up to `timeout` seconds for those under way; true if none is left.
    @discardableResult
    package func close(waitingUpTo timeout: Double) -> Bool {
        state.withLock { $0.closed = true }
        return state.wait(until: Date().addingTimeInterval(timeout)) { $0.active == 0 ? true : nil } ?? false
    }
}
