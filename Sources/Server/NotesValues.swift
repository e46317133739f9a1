import Foundation
import Index
import JSON
import LSP
import Support
import Vault

/// The `notes/*` results and notifications built from what the vault and the index answer.

extension SaveNoteResult {
    /// `uploaded`: whether the bucket holds the saved bytes yet (nil when unknown).
    init(_ output: SaveOutput, uri: String, uploaded: Bool?) {
        let status: Status = switch output.status {
        case .saved: .saved
        case .merged: .merged
        case .conflict: .conflict
        case .unchanged: .unchanged
        }
        self.init(status: status, uri: uri, path: output.record.path, checksum: output.record.checksum,
                  version: output.record.version, text: output.status == .merged ? output.text : nil,
                  uploaded: status == .saved || status == .merged ? uploaded : nil, outsideWriteCopy: output.outsideWriteCopy)
        if let conflict = output.conflict {
            text = conflict.theirs.text
            self.conflict = SaveConflict(
                theirsChecksum: conflict.theirs.checksum, theirsVersion: conflict.theirs.version, copyPath: conflict.copyPath,
                hunks: conflict.hunks.map { SaveConflict.Hunk(range: LSPRange(lines: $0.oursLines), ours: $0.ours, theirs: $0.theirs) })
        }
    }
}

extension OpenNoteResult.Source {
    init(_ source: OpenedNote.Source) {
        switch source {
        case .index: self = .index
        case .mount: self = .mount
        }
    }
}

extension SearchNotesResult.Hit {
    init(_ hit: SearchHit, uri: String) {
        self.init(uri: uri, path: hit.path, permalink: hit.permalink, title: hit.title, type: hit.type, snippet: hit.snippet,
                  score: hit.score)
    }
}

extension NotesDidChange.Change {
    init(_ change: ChangeRecord, uri: String) {
        let kind: Kind = switch change.op {
        case .created: .created
        case .changed: .changed
        case .deleted: .deleted
        }
        self.init(uri: uri, path: change.path, kind: kind, checksum: change.checksum, version: change.version,
                  origin: change.device, at: Timestamp.iso8601(milliseconds: change.at))
    }
}

extension NoteVersionInfo {
    /// This version as notes/history and `notebridge history --json` give it.
    package var entry: NoteHistoryEntry {
        NoteHistoryEntry(version: version, checksum: checksum, device: device, at: when, size: size, origin: origin.rawValue,
                    hasText: hasText)
    }

    /// When it was written, as the protocol writes dates (UTC, with milliseconds).
    package var when: String { Timestamp.iso8601(milliseconds: at) }

    package var fields: [String: JSONValue] { entry.fields }

    package var json: JSONValue { entry.json }
}

extension Timestamp {
    /// A time in milliseconds since 1970, as the protocol writes dates (UTC, with milliseconds).
    static func iso8601(milliseconds: Int64) -> String {
        iso8601(Date(timeIntervalSince1970: Double(milliseconds) / 1000), fractionalSeconds: true)
    }
}
