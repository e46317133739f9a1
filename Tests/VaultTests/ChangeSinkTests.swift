import Foundation
import Index
import Notes
import Support
import Testing
@testable import Vault

/// What a `ChangeMonitor` reports to its sink (the server, in the app).
private final class RecordingSink: ChangeSink {
    let heard = Locked<[ChangeRecord]>([])   // every report, in order
    let open: Set<String>

    init(open: Set<String> = []) { self.open = open }

    func changed(_ changes: [ChangeRecord]) async { heard.withLock { $0 += changes } }
    func isOpen(_ path: String) -> Bool { open.contains(path) }
}

/// A started monitor of `vault` as device "here", polling the change feed every 50 ms.
private func startMonitor(_ vault: TempVault, sink: RecordingSink) throws -> ChangeMonitor {
    let monitor = ChangeMonitor(root: vault.root, index: vault.index, device: "here", ownWrites: OwnWrites(), pollInterval: 0.05,
                                scanInterval: 3600, mountLag: nil, sink: sink)
    monitor.start(fromSeq: try vault.index.latestChangeSeq())
    return monitor
}

/// Waits (up to 10 s) until `sink` has heard `count` changes; returns them.
private func heard(_ sink: RecordingSink, count: Int) async throws -> [ChangeRecord] {
    let deadline = Date().addingTimeInterval(10)
    while sink.heard.value.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    return sink.heard.value
}

@Test func aSaveOnAnotherBridgeIsReportedToTheSinkOnce() async throws {
    let vault = try TempVault()
    let sink = RecordingSink()
    let watching = try startMonitor(vault, sink: sink)
    defer { watching.stop() }

    let saved = try vault.coordinator(device: "there").save(try vault.input("n.md", "one\n", base: nil), deadline: deadline())
    let changes = try await heard(sink, count: 1)
    #expect(changes.map(\.path) == ["n.md"])
    #expect(changes.first?.checksum == saved.record.checksum)
    #expect(changes.first?.device == "there")
    // Polls after it report only what is new: each (path, checksum) once.
    try vault.coordinator(device: "there").save(try vault.input("m.md", "two\n", base: nil), deadline: deadline())
    #expect(try await heard(sink, count: 2).map(\.path) == ["n.md", "m.md"])
}

@Test func aVersionThisBridgeAlreadyKnowsIsNotReported() async throws {
    let vault = try TempVault()
    let sink = RecordingSink()
    let watching = try startMonitor(vault, sink: sink)
    defer { watching.stop() }

    watching.noteKnown(path: "a.md", checksum: Checksum.sha256(Array("a\n".utf8)))  // as after notes/open of that text
    try vault.coordinator(device: "there").save(try vault.input("a.md", "a\n", base: nil), deadline: deadline())
    try vault.coordinator(device: "there").save(try vault.input("b.md", "b\n", base: nil), deadline: deadline())
    let changes = try await heard(sink, count: 1)
    #expect(changes.map(\.path) == ["b.md"])
}

@Test func theMonitorHoldsItsSinkWeakly() throws {
    let vault = try TempVault()
    weak var released: RecordingSink?
    let watching: ChangeMonitor
    do {
        let sink = RecordingSink()
        released = sink
        watching = try startMonitor(vault, sink: sink)
    }
    #expect(released == nil)  // the server owns the monitor, not the other way round
    watching.stop()
}
