import Foundation
import Index
import JSON
import JSONRPC
import LSP
import Notes
import Support
import Vault
import Workspace

/// What the vault reports: changes made elsewhere (the change monitor) and saves that reached the
/// bucket (the upload tracker), told to the client as `notes/didChange` and `notes/didUpload`.
extension Server: ChangeSink, UploadSink {
    package func changed(_ changes: [ChangeRecord]) async {
        guard let session = try? session() else { return }
        await announce(changes, session: session)
    }

    package func isOpen(_ path: String) -> Bool { documents[path] != nil }

    public func uploaded(_ save: UploadTracker.Pending) {
        guard let session = try? session() else { return }
        let params = NotesDidUpload(uri: session.uri(save.path), path: save.path, checksum: save.checksum)
        connection.notify(NotesDidUpload.method, params.json)
    }
}

extension Server {
    /// Tells the client about changes made elsewhere (`notes/didChange`), and for open
    /// documents reads the new text once so a reload (or a later conflict copy) has it.
    func announce(_ changes: [ChangeRecord], session: VaultContext) async {
        let params = NotesDidChange(changes: changes.map { .init($0, uri: session.uri($0.path)) })
        connection.notify(NotesDidChange.method, params.json)
        // A file written on this device's mount other than by a save here (an editor writing it
        // itself, seen by inotify or didSave) is uploaded now too, like our own saves.
        for change in changes where change.device == session.device && change.checksum != nil {
            uploads?.push(path: change.path)
        }
        // What the editor needs is published with the notification, from the feed's facts and the
        // index's copy of the new version (one query), never after waiting for the mount to show it.
        let news = changes.filter { documents[$0.path] != nil && takeNote(of: $0, session: session) }
        var unread: [ChangeRecord] = []
        for change in news {
            if let checksum = change.checksum {
                let stored = try? await Blocking.run("reading \(change.path) from the index", timeout: 10) {
                    try session.index.version(path: change.path, version: change.version)
                }
                if let stored = stored ?? nil, let text = stored.text, stored.info.checksum == checksum {
                    keep(text, checksum: checksum, path: change.path)
                } else {
                    unread.append(change)
                }
            }
            publishDiagnostics(change.path)
        }
        // Without the index's copy, the text comes from the mount once it shows the new bytes.
        for change in unread { await readFromMount(change, session: session) }
    }

    /// Marks the open document as changed elsewhere; false if the change is not news for it.
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
        return isNews
    }

    private func readFromMount(_ change: ChangeRecord, session: VaultContext) async {
        guard let checksum = change.checksum else { return }
        let text = try? await Blocking.run("reading \(change.path)", timeout: 30) { () throws -> String in
            let path = try session.root.resolve(relativePath: change.path)
            let record = try session.index.record(path: change.path)
            let size = record?.checksum == checksum ? record?.size : nil
            return try session.freshness.read(path, checksum: checksum, size: size, deadline: Date().addingTimeInterval(20)).text
        }
        if let text { keep(text, checksum: checksum, path: change.path) }
    }

    /// Gives the open document the changed note's text (for a reload or a later conflict copy).
    private func keep(_ text: String, checksum: String, path: String) {
        documents.update(path: path) { document in
            if document.remote?.checksum == checksum { document.remote?.text = text }
        }
    }
}
