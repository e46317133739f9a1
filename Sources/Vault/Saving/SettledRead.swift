import Foundation
import Index
import Notes
import Support
import Workspace

/// A note file is a version only once nobody is writing it: reads that `NoteFile` calls
/// unsettled are retried with backoff until they settle or the save's deadline passes.
enum SettledRead {
    static func file(_ path: ResolvedPath, until deadline: Date) throws -> NoteFile? {
        var delay = 0.05
        while true {
            do {
                return try NoteFile.read(path)
            } catch let unsettled as NoteFileUnsettled {
                guard Date().addingTimeInterval(delay) < deadline else { throw StillBeingWritten(unsettled: unsettled) }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 0.8)
            }
        }
    }
}

/// A save gave up waiting for another program to finish writing the note; nothing was saved.
package struct StillBeingWritten: Error, CustomStringConvertible {
    var unsettled: NoteFileUnsettled
    package var description: String {
        "\(unsettled.path) is still being written by another program (\(unsettled)); your text is unsaved, try again"
    }
}

/// The file as a save read it, to tell just before the rename whether someone wrote it since.
struct FileSeen {
    let size: Int64?
    let mtime: Int64?
    let checksum: String?

    init(_ file: NoteFile?) {
        size = file?.size
        mtime = file?.mtime
        checksum = file?.checksum
    }

    func isUnchanged(_ path: ResolvedPath) -> Bool {
        let now = NoteFile.stamp(path)
        return now?.size == size && now?.mtime == mtime
    }
}

extension NoteFile {
    /// This read as a version for the index (parsed here), with its bytes.
    package func write(path: String) -> NoteWrite {
        NoteWrite(path: path, bytes: bytes, checksum: checksum, parsed: NoteParser.parse(text, path: path), mtime: mtime)
    }
}

extension NoteIndex {
    /// Whether any kept version of the note had `checksum` (see `knownVersion(path:checksum:)`).
    func knows(checksum: String, path: String) throws(SQLError) -> Bool {
        try knownVersion(path: path, checksum: checksum) != nil
    }
}

/// The checksum of each recent (path, version) the index named to this process (a save's record,
/// an open's version): a version number names one text for good, so a save giving only its
/// `baseVersion` finds its checksum here without another round trip to the index.
package final class IndexedChecksums: Sendable {
    private let state = Locked<(checksums: [String: String], order: [String])>(([:], []))
    private let capacity = 1024

    package func remember(path: String, version: Int64, checksum: String) {
        let key = "\(path)\0\(version)"
        state.withLock { known in
            if known.checksums.updateValue(checksum, forKey: key) == nil { known.order.append(key) }
            if known.order.count > capacity { known.checksums.removeValue(forKey: known.order.removeFirst()) }
        }
    }

    package subscript(path: String, version: Int64) -> String? { state.withLock { $0.checksums["\(path)\0\(version)"] } }
}
