import Dispatch
import Foundation

/// Runs blocking work (file I/O on a possibly hung mount, SQL over the network) on its own
/// threads, never on Swift's cooperative pool (two threads on this machine), and gives up
/// waiting after a deadline. A hung operation keeps its thread; the caller gets an error.
///
/// Each call gets a serial queue of its own: libdispatch runs those on its overcommit pool, which
/// starts a thread for each waiting item. A shared concurrent queue does not — on Linux it runs
/// about one item per core and adds threads slowly, so forty 2 s items took 13 s on this 2-core
/// machine, and a deadline on that queue fired 12 s late. Deadlines have a queue of their own.
public enum Blocking {
    private static let deadlines = DispatchQueue(label: "notebridge.blocking.deadlines")

    public struct TimedOut: Error, CustomStringConvertible {
        public let what: String
        public let seconds: Double
        public var description: String { "\(what) did not finish within \(Self.format(seconds)) s" }
        static func format(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s) }
    }

    /// Set while answering a client request: cancelling it (`$/cancelRequest`) then ends the wait with
    /// CancellationError while the work runs on. Background work (the change monitor) waits to the end.
    @TaskLocal public static var stopsWaitingOnCancel = false

    public static func run<T: Sendable>(_ what: String, timeout: Double, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let stopsWaitingOnCancel = stopsWaitingOnCancel
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.wait(continuation)
                DispatchQueue(label: "notebridge.blocking", qos: .userInitiated).async { outcome.finish(Result { try body() }) }
                deadlines.asyncAfter(deadline: .now() + timeout) {
                    outcome.finish(.failure(TimedOut(what: what, seconds: timeout)))
                }
            }
        } onCancel: {
            if stopsWaitingOnCancel { outcome.finish(.failure(CancellationError())) }
        }
    }

    /// Resumes its continuation once, with whichever of work, deadline and cancellation comes first.
    private final class Outcome<T: Sendable>: Sendable {
        /// The continuation once the wait began; a result that came before it (a cancellation);
        /// whether the continuation was resumed. It is resumed outside the lock, once.
        private let state = Locked<(continuation: CheckedContinuation<T, Error>?, early: Result<T, Error>?, resumed: Bool)>(
            (nil, nil, false))

        func wait(_ continuation: CheckedContinuation<T, Error>) {
            let early = state.withLock { state -> Result<T, Error>? in
                guard let early = state.early else {
                    state.continuation = continuation
                    return nil
                }
                state.resumed = true
                return early
            }
            if let early { continuation.resume(with: early) }
        }

        func finish(_ result: Result<T, Error>) {
            let pending = state.withLock { state -> CheckedContinuation<T, Error>? in
                guard !state.resumed, let pending = state.continuation else {
                    if !state.resumed, state.early == nil { state.early = result }
                    return nil
                }
                state.continuation = nil
                state.resumed = true
                return pending
            }
            pending?.resume(with: result)
        }
    }
}
