import Foundation
import Index
import JSON
import JSONRPC
import Notes
import Support
import Vault
import Workspace

extension Server {
    /// Tells the client about changes made elsewhere (`notes/didChange`), and for open
    /// documents reads the new text once so a reload (or a later conflict copy) has it.
    func announce(_ changes: [ChangeRecord], session: VaultContext) async {
        connection.notify("notes/didChange", [
            "changes": .array(changes.map { change in
                [
                    "uri": .string(session.uri(change.path)), "path": .string(change.path), "kind": .string(change.op.rawValue),
                    "checksum": JSONValue(change.checksum), "version": .integer(change.version),
                    "origin": .string(change.device),
                    "at": .string(Timestamp.iso8601(Date(timeIntervalSince1970: Double(change.at) / 1000), fractionalSeconds: true)),
                ]
            }),
        ])
        // What the editor needs is published with the notification, from the feed's facts; the new
        // text (for a reload or a later conflict copy) follows without holding anything up.
        let news = changes.filter { documents[$0.path] != nil && takeNote(of: $0, session: session) }
        for change in news { await fetchText(of: change, session: session) }
    }

    /// Marks the open document as changed elsewhere and publishes its diagnostics; false if the
    /// change is not news for it.
    private func takeNote(of change: ChangeRecord, session: VaultContext) -> Bool {
        // Editors that save by replacing the file show up as a deletion followed by a creation;
        // a deletion of a file that is back already is not news for the open document.
        if change.checksum == nil, let path = try? session.root.resolve(relativePath: change.path), NoteFile.stamp(path) != nil {
            return false
        }
        var isNews = false
        documents.update(path: change.path) { document in
            // Already based on this version (our own save, or a reload): nothing to say.
            if document.base?.checksum == change.checksum { return }
            // The buffer already holds this text: the editor's own write, whose didSave follows. Keep
            // the version it replaced (if any) for that didSave to preserve.
            if change.checksum == Checksum.sha256(Array(document.text.utf8)) { return }
            document.remote = RemoteChange(version: change.version, checksum: change.checksum, text: nil, device: change.device)
            isNews = true
        }
        if isNews { publishDiagnostics(change.path) }
        return isNews && change.checksum != nil
    }

    /// The changed note's text: from the index's copy of that version when it has one (at once),
    /// else from the mount once it shows the new bytes.
    private func fetchText(of change: ChangeRecord, session: VaultContext) async {
        guard let checksum = change.checksum else { return }
        let text = try? await Blocking.run("reading \(change.path)", timeout: 30) { () throws -> String in
            if let stored = try? session.index.version(path: change.path, version: change.version),
               stored.info.checksum == checksum, let text = stored.text {
                return text
            }
            let path = try session.root.resolve(relativePath: change.path)
            let record = try session.index.record(path: change.path)
            let size = record?.checksum == checksum ? record?.size : nil
            return try session.freshness.read(path, checksum: checksum, size: size, deadline: Date().addingTimeInterval(20)).text
        }
        guard let text else { return }
        documents.update(path: change.path) { document in
            if document.remote?.checksum == checksum { document.remote?.text = text }
        }
    }
}
