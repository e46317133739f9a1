import Dispatch
import Foundation
import Index
import Support

/// Drops the versions the retention policy no longer keeps, in the background: once shortly
/// after `start()`, then every `interval` seconds, in batches so no transaction grows large.
/// The server and `notebridge watch` run one each; pruning is idempotent, so two devices
/// pruning the same shared index at once only repeat each other's work.
package final class HistoryPruner: Sendable {
    private let index: NoteIndex
    package let policy: RetentionPolicy
    private let interval: Double
    private let firstDelay: Double
    private let batchSize: Int
    private let queue = DispatchQueue(label: "notebridge.history-pruner", qos: .utility)
    /// The timer while started (nil before `start` and after `stop`), and how many passes ran.
    private let state = Locked<(timer: DispatchSourceTimer?, passes: Int)>((nil, 0))

    /// At most this many batches per pass, so a pass over a huge backlog still ends; the next
    /// pass carries on.
    private static let batchesPerPass = 100

    package init(index: NoteIndex, policy: RetentionPolicy, interval: Double = 600, firstDelay: Double = 30,
                 batchSize: Int = 1_000) {
        self.index = index
        self.policy = policy
        self.interval = interval
        self.firstDelay = firstDelay
        self.batchSize = batchSize
    }

    /// How many passes have finished (tests wait on it).
    package var passes: Int { state.withLock { $0.passes } }

    package func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + firstDelay, repeating: interval)
        timer.setEventHandler { [weak self] in self?.pass() }
        let started = state.withLock { state -> Bool in
            guard state.timer == nil else { return false }
            state.timer = timer
            return true
        }
        if started { timer.resume() }
    }

    package func stop() {
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
        }
    }

    /// One pass: prunes batch after batch until one comes back short. Blocking (on `queue`).
    private func pass() {
        var removed = 0
        do {
            for _ in 0..<Self.batchesPerPass {
                let count = try index.prune(policy: policy, batchSize: batchSize)
                removed += count
                if count < batchSize { break }
            }
            if removed > 0 { Log.info("history: pruned \(removed) old versions") }
        } catch {
            Log.warning("history: pruning failed (will retry in \(Int(interval)) s): \(error)")
        }
        state.withLock { $0.passes += 1 }
    }
}
