import Foundation
import Support
import Testing

/// Many operations hung at once (a mount gone under a burst of requests) each end at their own
/// deadline: with one shared concurrent queue, libdispatch ran about one item per core and the
/// deadlines, queued behind the hung items, fired seconds late.
@Test func manyHungOperationsEachEndAtTheirDeadline() async throws {
    let started = Date()
    let outcomes = await withTaskGroup(of: Bool.self) { group in
        for _ in 0..<40 {
            group.addTask {
                do {
                    _ = try await Blocking.run("a hung read", timeout: 0.5) { Thread.sleep(forTimeInterval: 4) }
                    return false
                } catch {
                    return error is Blocking.TimedOut
                }
            }
        }
        return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(outcomes.count == 40 && outcomes.allSatisfy { $0 })
    // Each waited 0.5 s; the hung bodies run 4 s, so ending before them means no deadline waited for a thread.
    #expect(Date().timeIntervalSince(started) < 3.5)
}

@Test func anOperationsResultAndErrorReachTheCaller() async throws {
    #expect(try await Blocking.run("adding", timeout: 10) { 2 + 2 } == 4)
    struct Refused: Error {}
    await #expect(throws: Refused.self) { try await Blocking.run("refusing", timeout: 10) { throw Refused() } }
}
