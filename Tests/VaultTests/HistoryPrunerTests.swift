import Foundation
import Index
import Notes
import Testing
@testable import Vault

/// Writes `count` versions of `path` through the text-recording upsert.
private func writeVersions(_ index: NoteIndex, _ path: String, count: Int) throws {
    for n in 1...count {
        let bytes = Array("---\ntitle: Pruned\n---\nversion \(n)\n".utf8)
        let text = String(decoding: bytes, as: UTF8.self)
        try index.upsert(NoteWrite(path: path, bytes: bytes, checksum: Checksum.sha256(bytes),
                                   parsed: NoteParser.parse(text, path: path), mtime: Int64(n)),
                         origin: .save, device: "dev-test")
    }
}

private func waitUntil(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) throws {
    let end = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < end else { Issue.record("timed out waiting for \(what)"); return }
        Thread.sleep(forTimeInterval: 0.02)
    }
}

@Test func backgroundPruningKeepsOnlyWhatThePolicyKeeps() throws {
    let vault = try TempVault()
    try writeVersions(vault.index, "a.md", count: 6)
    try writeVersions(vault.index, "b.md", count: 2)
    // Nothing is young enough to be kept for its age: only the newest 2 of each note stay.
    let pruner = HistoryPruner(index: vault.index, policy: RetentionPolicy(keepFor: .zero, keepLatest: 2),
                               interval: 0.05, firstDelay: 0.01, batchSize: 1)
    pruner.start()
    defer { pruner.stop() }
    try waitUntil("the pruner to run") { try vault.index.history(path: "a.md").count == 2 }
    #expect(try vault.index.history(path: "a.md").map(\.version) == [6, 5])
    #expect(try vault.index.history(path: "b.md").map(\.version) == [2, 1])
    #expect(try vault.index.version(path: "a.md", version: 6)?.text?.contains("version 6") == true)
    try waitUntil("a second pass") { pruner.passes >= 2 }  // it keeps running, and finds nothing more
    #expect(try vault.index.history(path: "a.md").count == 2)
}

@Test func theDefaultPolicyKeepsRecentVersions() throws {
    let vault = try TempVault()
    try writeVersions(vault.index, "a.md", count: 3)
    let pruner = HistoryPruner(index: vault.index, policy: Settings().retention, interval: 0.05, firstDelay: 0.01)
    pruner.start()
    defer { pruner.stop() }
    try waitUntil("a pass") { pruner.passes >= 1 }
    #expect(try vault.index.history(path: "a.md").count == 3)
}

@Test func retentionSettingsBecomeThePolicy() {
    #expect(Settings().retention == RetentionPolicy(keepFor: .seconds(30 * 86_400), keepLatest: 50))
    #expect(Settings(historyDays: 0.5, historyKeep: 3).retention == RetentionPolicy(keepFor: .seconds(43_200), keepLatest: 3))
    #expect(Settings(historyDays: 2).filling(from: Settings(historyDays: 9, historyKeep: 7)).retention
        == RetentionPolicy(keepFor: .seconds(2 * 86_400), keepLatest: 7))
}
