import Foundation
import JSON
@testable import Server
import Testing

@Suite struct LatchTests {
    @Test func aWaiterIsReleasedWhenTheLatchIsSet() async {
        let latch = Latch()
        async let waited = latch.wait(upTo: 30)
        try? await Task.sleep(nanoseconds: 50_000_000)
        latch.set()
        #expect(await waited == true)
        #expect(await latch.wait(upTo: 0))  // already set: no waiting
    }

    @Test func aWaiterGivesUpAtItsDeadline() async {
        let latch = Latch()
        let started = Date()
        #expect(await latch.wait(upTo: 0.1) == false)
        #expect(Date().timeIntervalSince(started) < 20)
        latch.set()  // a waiter that gave up is not resumed a second time
        #expect(latch.isSet)
    }
}
