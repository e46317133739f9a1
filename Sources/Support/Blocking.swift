import Dispatch
import Foundation

/// Runs blocking work (file I/O on a possibly hung mount, SQL over the network) on its own
/// threads, never on Swift's cooperative pool (two threads on this machine), and gives up
/// waiting after a deadline. A hung operation keeps its thread; the caller gets an error.
public enum Blocking {
    private static let queue = DispatchQueue(label: "notebridge.blocking", qos: .userInitiated, attributes: .concurrent)

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
                queue.async { outcome.finish(Result { try body() }) }
                queue.asyncAfter(deadline: .now() + timeout) {
                    outcome.finish(.failure(TimedOut(what: what, seconds: timeout)))
                }
            }
        } onCancel: {
            if stopsWaitingOnCancel { outcome.finish(.failure(CancellationError())) }
        }
    }

    /// Resumes its continuation once, with whichever of work, deadline and cancellation comes first.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        // Safe: every field is guarded by `lock`; the continuation is resumed outside it, once.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, Error>?
        private var early: Result<T, Error>?    // a cancellation that came before the wait began
        private var resumed = false

        func wait(_ continuation: CheckedContinuation<T, Error>) {
            lock.lock()
            guard let early else {
                self.continuation = continuation
                lock.unlock()
                return
            }
            resumed = true
            lock.unlock()
            continuation.resume(with: early)
        }

        func finish(_ result: Result<T, Error>) {
            lock.lock()
            guard !resumed, let pending = continuation else {
                if !resumed, early == nil { early = result }
                lock.unlock()
                return
            }
            continuation = nil
            resumed = true
            lock.unlock()
            pending.resume(with: result)
        }
    }
}
