import Foundation

/// Shared mutable state with one owner: every read and write goes through `withLock`, so holders
/// need no lock fields of their own. Each holder says in a comment what its state's invariant is.
public final class Locked<State>: @unchecked Sendable {
    // Safe: `state` is only touched inside `lock` (like Synchronization.Mutex, without its
    // `sending` rules, which the handlers' closures do not meet).
    private let lock = NSLock()
    private var state: State

    public init(_ state: State) { self.state = state }

    public func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// A copy of the whole state.
    public var value: State { withLock { $0 } }
}
