import Index
import Notes
import Workspace

extension NoteIndex {
    /// Records what one read of a note file holds (parsed here) as `device`'s write.
    @discardableResult
    package func upsert(_ file: NoteFile, path: String, device: String) throws(SQLError) -> NoteRecord {
        try upsert(path: path, parsed: NoteParser.parse(file.text, path: path), checksum: file.checksum,
                   size: file.size, mtime: file.mtime, device: device)
    }
}
