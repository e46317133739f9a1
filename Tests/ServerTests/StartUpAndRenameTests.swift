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

@Suite struct RenameTextEditTests {
    @Test func editsApplyFromTheEndInEitherEncoding() {
        let text = "# Ada 😀 Lovelace\nsee [[Ada 😀 Lovelace]]\n"
        func edit(_ line: Int, _ start: Int, _ end: Int, _ newText: String) -> JSONValue {
            ["range": ["start": ["line": .integer(Int64(line)), "character": .integer(Int64(start))],
                       "end": ["line": .integer(Int64(line)), "character": .integer(Int64(end))]],
             "newText": .string(newText)]
        }
        // "Ada 😀 Lovelace" is 15 UTF-16 units (the emoji is two) and 17 UTF-8 bytes.
        #expect(Server.applying([edit(0, 2, 17, "Ada K"), edit(1, 6, 21, "Ada K")], to: text, encoding: .utf16)
            == "# Ada K\nsee [[Ada K]]\n")
        #expect(Server.applying([edit(1, 6, 23, "Ada K"), edit(0, 2, 19, "Ada K")], to: text, encoding: .utf8)
            == "# Ada K\nsee [[Ada K]]\n")
    }
}
