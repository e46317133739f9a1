import Foundation
import JSON
import Language
import LSP
import Notes
import Support
import Vault

extension Server {
    /// Diagnostics after edits are recomputed at most every 150 ms per document.
    func scheduleDiagnostics(_ path: String) {
        guard debouncer.arm(path) else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(150))
            debouncer.disarm(path)
            publishDiagnostics(path)
        }
    }

    func publishDiagnostics(_ path: String) {
        publishing.withLock {
            guard let document = documents[path] else { return }
            connection.notify("textDocument/publishDiagnostics", [
                "uri": .string(document.uri), "version": JSONValue(document.lspVersion),
                "diagnostics": .array(diagnostics(for: document)),
            ])
        }
    }

    func diagnostics(for document: OpenDocument) -> [JSONValue] {
        var result: [JSONValue] = []
        let lines = LineTable(document.text)
        func lineRange(_ first: Int, _ last: Int? = nil) -> JSONValue {
            let start = min(first, max(0, lines.lineCount - 1))
            let end = max(start, min(last ?? start, max(0, lines.lineCount - 1)))
            let endCharacter = lines.position(utf8Offset: lines.utf8Offset(line: end, character: Int.max, encoding: .utf8),
                                              encoding: encoding).character
            return LSPRange(start: Position(line: start, character: 0), end: Position(line: end, character: endCharacter)).json
        }
        func diagnostic(_ range: JSONValue, _ severity: Int, _ code: String, _ message: String) -> JSONValue {
            ["range": range, "severity": JSONValue(severity), "code": .string(code), "source": "notebridge", "message": .string(message)]
        }

        if let conflict = document.conflict {
            let who = conflict.theirs.version > 0 ? "the version saved elsewhere (v\(conflict.theirs.version))" : "the version on disk"
            for hunk in conflict.hunks {
                let theirs = hunk.theirs.isEmpty ? "nothing here" : "\"\(hunk.theirs.prefix(200).trimmingCharacters(in: .newlines))\""
                result.append(diagnostic(lineRange(hunk.oursLines.lowerBound, max(hunk.oursLines.lowerBound, hunk.oursLines.upperBound - 1)),
                                         1, "conflict",
                                         "Conflict with \(who): theirs has \(theirs). Not saved; your text is also kept in \(conflict.copyPath). "
                                             + "Code actions: take theirs, keep mine, insert conflict markers."))
            }
        }
        if let remote = document.remote, remote.checksum != document.base?.checksum {
            let who = remote.device.map { " on \($0)" } ?? ""
            if remote.checksum == nil {
                result.append(diagnostic(lineRange(0), 2, "deleted-elsewhere", "This note was deleted\(who); saving will bring it back."))
            } else if document.isDirty {
                result.append(diagnostic(lineRange(0), 2, "changed-elsewhere-dirty",
                                         "This note changed\(who) (v\(remote.version)); your unsaved edits will conflict when you save."))
            } else {
                result.append(diagnostic(lineRange(0), 3, "changed-elsewhere",
                                         "This note changed\(who) (v\(remote.version)); reload to see it."))
            }
        }
        if let notice = document.notice { result.append(diagnostic(lineRange(0), 2, "overwrote-newer", notice)) }
        let note = NoteSnapshot(path: document.path, uri: document.uri, text: document.text, openVersion: document.lspVersion)
        result += NoteDiagnostics.parse(note, encoding: encoding).map(\.json)
        result += linkDiagnostics(for: document)
        return result
    }
}

/// At most one pending diagnostics task per document.
final class Debouncer: Sendable {
    private let armed = Locked<Set<String>>([])   // documents with a diagnostics task pending
    func arm(_ key: String) -> Bool { armed.withLock { $0.insert(key).inserted } }
    func disarm(_ key: String) { _ = armed.withLock { $0.remove(key) } }
}
