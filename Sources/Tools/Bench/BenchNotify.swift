import Foundation
import Index
import Support
import Vault
import Workspace

/// Change-notification latency between two bridges in this process: bridge A saves a note through
/// its save path; bridge B, with its own connection to the same index and its own change monitor
/// (inotify on its root, and the index's change feed every `pollInterval`), hears of it. Timed from
/// the start of A's save to B's announcement.
package struct BenchNotify {
    package let rootA: VaultRoot
    package let indexA: NoteIndex
    /// B's root: the same folder as A's (two bridges on one machine) or another (as across devices,
    /// where only the change feed tells B).
    package let rootB: VaultRoot
    package let indexB: NoteIndex
    package let folder: String
    /// The note A saves, a file name in `folder` no other bench run uses.
    package let name: String
    package let rounds: Int
    package let seconds: Double
    package let pollInterval: Double

    package func run() throws -> [Double] {
        let saver = VaultContext(root: rootA, index: indexA, device: "notebridge-bench-a").saver
        let heard = Announcements()
        let monitor = ChangeMonitor(root: rootB, index: indexB, device: "notebridge-bench-b", ownWrites: OwnWrites(),
                                    pollInterval: pollInterval, scanInterval: 86_400, mountLag: nil, sink: heard)
        monitor.start(fromSeq: try indexB.latestChangeSeq())
        defer { monitor.stop() }

        let note = try rootA.resolve(relativePath: "\(folder)/\(name)")
        var base: (version: Int64, checksum: String?, text: String?) = (0, nil, nil)
        var samples: [Double] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
        for round in 0..<rounds {
            if round > 0, clock.now >= deadline { break }
            // Save at a random moment of B's polling cycle, as a person would.
            Thread.sleep(forTimeInterval: Double.random(in: 0..<pollInterval))
            let started = Date()
            let output = try saver.save(SaveInput(path: note, text: BenchSave.note(round), baseVersion: base.version,
                                                  baseChecksum: base.checksum, baseText: base.text, force: false),
                                        deadline: started.addingTimeInterval(30))
            guard output.status == .saved else { throw BenchError("a bench save came back \(output.status.rawValue), not saved") }
            base = (output.record.version, output.record.checksum, output.text)
            let wait = max(5, pollInterval * 10)
            guard let at = heard.wait(path: note.relative, checksum: output.record.checksum, until: started.addingTimeInterval(wait)) else {
                throw BenchError("bridge B heard nothing of bridge A's save within \(Int(wait)) s")
            }
            samples.append(at.timeIntervalSince(started) * 1000)
        }
        return samples
    }
}

/// The changes bridge B announced, with when; waited on with a deadline.
private final class Announcements: ChangeSink, Sendable {
    /// path + checksum → when it was first announced.
    private let heard = Locked<[String: Date]>([:])

    func changed(_ changes: [ChangeRecord]) async { add(changes) }
    func isOpen(_ path: String) -> Bool { false }

    package func add(_ changes: [ChangeRecord]) {
        let now = Date()
        heard.withLock { heard in
            for change in changes where heard[Self.key(change.path, change.checksum)] == nil {
                heard[Self.key(change.path, change.checksum)] = now
            }
        }
    }

    private static func key(_ path: String, _ checksum: String?) -> String { path + "\0" + (checksum ?? "") }

    package func wait(path: String, checksum: String, until deadline: Date) -> Date? {
        heard.wait(until: deadline) { $0[Self.key(path, checksum)] }
    }
}
