import Foundation
import Support

/// A one-way event (the notes folder opened, the first index finished) that requests can wait
/// for, each up to its own deadline.
final class Latch: Sendable {
    /// Invariant: once `isSet`, `waiters` is empty and stays empty; each waiter is resumed once,
    /// by `set` or by its deadline, whichever removes it from `waiters` first.
    private let state = Locked<(isSet: Bool, nextID: Int, waiters: [Int: CheckedContinuation<Void, Never>])>((false, 0, [:]))

    var isSet: Bool { state.withLock { $0.isSet } }

    func set() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isSet = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns when the latch is set or after `seconds`; true when it is set.
    @discardableResult
    func wait(upTo seconds: Double) async -> Bool {
        if isSet { return true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = state.withLock { state -> Int? in
                if state.isSet { return nil }
                state.nextID += 1
                state.waiters[state.nextID] = continuation
                return state.nextID
            }
            guard let id else { return continuation.resume() }
            Task { [self] in
                try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
        return isSet
    }
}
