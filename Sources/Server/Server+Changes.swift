import Foundation
import Index
import JSON
import JSONRPC
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
        for change in changes where documents[change.path] != nil {
            await takeNote(of: change, session: session)
        }
    }

    private func takeNote(of change: ChangeRecord, session: VaultContext) async {
        // Editors that save by replacing the file show up as a deletion followed by a creation;
        // a deletion of a file that is back already is not news for the open document.
        if change.checksum == nil, let path = try? session.root.resolve(relativePath: change.path), NoteFile.stamp(path) != nil {
            return
        }
        var remote = RemoteChange(version: change.version, checksum: change.checksum, text: nil, device: change.device)
        if let checksum = change.checksum {
            let text = try? await Blocking.run("reading \(change.path)", timeout: 30) {
                let path = try session.root.resolve(relativePath: change.path)
                let record = try session.index.record(path: change.path)
                let size = record?.checksum == checksum ? record?.size : nil
                return try session.freshness.read(path, checksum: checksum, size: size, deadline: Date().addingTimeInterval(20)).text
            }
            remote.text = text
        }
        documents.update(path: change.path) { document in
            // Already based on this version (our own save, or a reload): nothing to say.
            if document.base?.checksum == change.checksum { return }
            // The buffer already holds this text: the editor's own write, whose didSave follows. Keep
            // the version it replaced (if any) for that didSave to preserve.
            if let text = remote.text, text == document.text { return }
            document.remote = remote
        }
        publishDiagnostics(change.path)
    }
}
