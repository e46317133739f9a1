import Foundation

/// Shared mutable state with one owner: every read and write goes through `withLock`, so holders
/// need no lock fields of their own. Each holder says in a comment what its state's invariant is.
/// A holder that must wait for the state to change (a count to drop to zero, an entry to appear)
/// uses `wait(until:for:)`; every `withLock` wakes the waiters.
public final class Locked<State>: @unchecked Sendable {
    // Safe: `state` and `waiters` are only touched while `condition` is locked (like
    // Synchronization.Mutex, without its `sending` rules, which the handlers' closures do not meet).
    private let condition = NSCondition()
    private var state: State
    private var waiters = 0

    public init(_ state: State) { self.state = state }

    public func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        condition.lock()
        defer {
            if waiters > 0 { condition.broadcast() }
            condition.unlock()
        }
        return try body(&state)
    }

    /// A copy of the whole state.
    public var value: State { withLock { $0 } }

    /// Blocks until `found` returns a value for the state (looked at now and after each
    /// `withLock`), or until `deadline` passes: then the answer of one last look.
    public func wait<Found>(until deadline: Date, for found: (State) -> Found?) -> Found? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = found(state) { return value }
            waiters += 1
            let signalled = condition.wait(until: deadline)
            waiters -= 1
            if !signalled { return found(state) }
        }
    }
}
