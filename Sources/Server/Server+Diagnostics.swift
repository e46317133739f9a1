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
            let params = PublishDiagnostics(uri: document.uri, version: document.lspVersion, diagnostics: diagnostics(for: document))
            connection.notify(PublishDiagnostics.method, params.json)
        }
    }

    func diagnostics(for document: OpenDocument) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let lines = LineTable(document.text)
        /// Whole lines `first...last`, clamped to the document.
        func lineRange(_ first: Int, _ last: Int? = nil) -> LSPRange {
            let start = min(first, max(0, lines.lineCount - 1))
            let end = max(start, min(last ?? start, max(0, lines.lineCount - 1)))
            let endCharacter = lines.position(utf8Offset: lines.utf8Offset(line: end, character: Int.max, encoding: .utf8),
                                              encoding: encoding).character
            return LSPRange(start: Position(line: start, character: 0), end: Position(line: end, character: endCharacter))
        }

        if let conflict = document.conflict {
            let who = conflict.theirs.version > 0 ? "the version saved elsewhere (v\(conflict.theirs.version))" : "the version on disk"
            for hunk in conflict.hunks {
                let theirs = hunk.theirs.isEmpty ? "nothing here" : "\"\(hunk.theirs.prefix(200).trimmingCharacters(in: .newlines))\""
                let lines = lineRange(hunk.oursLines.lowerBound, max(hunk.oursLines.lowerBound, hunk.oursLines.upperBound - 1))
                result.append(Diagnostic(range: lines, severity: .error, code: "conflict", message:
                    "Conflict with \(who): theirs has \(theirs). Not saved; your text is also kept in \(conflict.copyPath). "
                        + "Code actions: take theirs, keep mine, insert conflict markers."))
            }
        }
        if let remote = document.remote, remote.checksum != document.base?.checksum {
            let who = remote.device.map { " on \($0)" } ?? ""
            if remote.checksum == nil {
                result.append(Diagnostic(range: lineRange(0), severity: .warning, code: "deleted-elsewhere",
                                         message: "This note was deleted\(who); saving will bring it back."))
            } else if document.isDirty {
                result.append(Diagnostic(range: lineRange(0), severity: .warning, code: "changed-elsewhere-dirty",
                                         message: "This note changed\(who) (v\(remote.version)); your unsaved edits will conflict when you save."))
            } else {
                result.append(Diagnostic(range: lineRange(0), severity: .information, code: "changed-elsewhere",
                                         message: "This note changed\(who) (v\(remote.version)); reload to see it."))
            }
        }
        if let notice = document.notice {
            result.append(Diagnostic(range: lineRange(0), severity: .warning, code: "overwrote-newer", message: notice))
        }
        let note = NoteSnapshot(path: document.path, uri: document.uri, text: document.text, openVersion: document.lspVersion)
        result += NoteDiagnostics.parse(note, encoding: encoding)
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
