import Dispatch
import Foundation
import JSONRPC

/// Runs blocking work (file I/O on a possibly hung mount, SQL over the network) on its own
/// threads, never on Swift's cooperative pool (two threads on this machine), and gives up
/// waiting after a deadline. A hung operation keeps its thread; the caller gets an error.
enum Blocking {
    private static let queue = DispatchQueue(label: "notebridge.blocking", qos: .userInitiated, attributes: .concurrent)

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        let seconds: Double
        var description: String { "\(what) did not finish within \(Self.format(seconds)) s" }
        static func format(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s) }
    }

    static func run<T: Sendable>(_ what: String, timeout: Double, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.continuation = continuation
            queue.async { outcome.finish(Result { try body() }) }
            queue.asyncAfter(deadline: .now() + timeout) {
                outcome.finish(.failure(TimedOut(what: what, seconds: timeout)))
            }
        }
    }

    /// Resumes its continuation once, with whichever of work and deadline comes first.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        var continuation: CheckedContinuation<T, Error>?

        func finish(_ result: Result<T, Error>) {
            lock.lock()
            let pending = continuation
            continuation = nil
            lock.unlock()
            pending?.resume(with: result)
        }
    }
}
