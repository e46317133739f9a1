import Foundation
import Index
import JSON
import JSONRPC
import Support
import Vault

extension Server {
    /// The initial index of the root, with `$/progress` when the client supports it, then the
    /// change monitor. Requests are answered meanwhile.
    func indexAndWatch(_ session: VaultContext) async {
        let progress = await WorkDoneProgress.begin(self, title: "Indexing notes")
        do {
            let startSeq = try await Blocking.run("reading the change feed", timeout: 60) { try session.index.latestChangeSeq() }
            let stats = try await Blocking.run("indexing \(session.root.path)", timeout: 3600) {
                try Indexer.index(vault: session) { done, total in
                    progress?.report(done: done, total: total)
                }
            }
            Log.info("indexed \(session.root.path): \(stats.added) added, \(stats.updated) updated, \(stats.removed) removed, "
                + "\(stats.unchanged) unchanged in \(stats.elapsed)")
            indexCompleted()
            // Changes the initial index itself recorded are the starting point, not news, except
            // those made by others while it ran, which the feed still holds after `startSeq`.
            let monitor = ChangeMonitor(vault: session, sink: self)
            startMonitor(monitor)
            let indexedSeq = try await Blocking.run("reading the change feed", timeout: 60) { try session.index.latestChangeSeq() }
            monitor.start(fromSeq: startSeq, ignoringOwnChangesThrough: indexedSeq)
            session.pruner.start()
            // Ended only now, so a client that waits for it knows later writes will be noticed.
            progress?.end("\(stats.added) added, \(stats.updated) updated, \(stats.removed) removed")
        } catch {
            firstIndexEnded.set()
            progress?.end("failed")
            Log.error("indexing \(session.root.path) failed: \(error)")
            connection.notify("window/showMessage", ["type": 1, "message": .string("notebridge: indexing failed: \(error)")])
        }
    }
}

extension Server {
    /// The whole folder is indexed: waiting lookups go ahead, and open documents get their link
    /// diagnostics, computed now from the complete index.
    func indexCompleted() {
        indexComplete.set()
        firstIndexEnded.set()
        linkChecks.invalidate()
        for document in documents.all { publishDiagnostics(document.path) }
    }
}

/// A `$/progress` work-done progress, reported at most every 1 %.
final class WorkDoneProgress: Sendable {
    private let connection: Connection
    private let token: JSONValue
    private let lastPercent = Locked(-1)   // the percentage last reported

    private init(connection: Connection, token: JSONValue) {
        self.connection = connection
        self.token = token
    }

    static func begin(_ server: Server, title: String) async -> WorkDoneProgress? {
        guard server.clientSupportsProgress else { return nil }
        let token = JSONValue.string("notebridge-\(UUID().uuidString)")
        do { _ = try await server.connection.sendRequest("window/workDoneProgress/create", ["token": token]) } catch {
            return nil
        }
        let progress = WorkDoneProgress(connection: server.connection, token: token)
        progress.send(["kind": "begin", "title": .string(title), "percentage": 0, "cancellable": false])
        return progress
    }

    func report(done: Int, total: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        let changed = lastPercent.withLock { last -> Bool in
            guard percent != last else { return false }
            last = percent
            return true
        }
        if changed { send(["kind": "report", "message": .string("\(done)/\(total)"), "percentage": JSONValue(percent)]) }
    }

    func end(_ message: String) { send(["kind": "end", "message": .string(message)]) }

    private func send(_ value: JSONValue) { connection.notify("$/progress", ["token": token, "value": value]) }
}
