import Foundation
import Merge
import Notes

/// What an editor buffer was last in agreement with: the index version and the text on disk.
struct BaseState: Sendable, Equatable {
    var version: Int64          // 0: the note did not exist
    var checksum: String?
    var text: String
}

/// A newer version of a note than the buffer's base, learned from the feed, a scan or inotify.
struct RemoteChange: Sendable, Equatable {
    var version: Int64
    var checksum: String?       // nil: deleted
    var text: String?           // read once when we learned of it; nil if the mount did not show it yet
    var device: String?
}

/// An unresolved conflict after a save lost and could not be merged.
struct ConflictState: Sendable, Equatable {
    var theirs: BaseState
    var ours: String
    var copyPath: String
    var hunks: [ConflictHunk]
    var markedText: String
}

struct OpenDocument: Sendable {
    var uri: String
    var path: String            // relative to the root
    var text: String
    var lspVersion: Int
    /// nil until the bridge has read the file and the index for it (off the reader thread).
    var base: BaseState?
    var remote: RemoteChange?
    var conflict: ConflictState?
    /// A warning to show until the next save, e.g. that an editor's own write replaced a newer version.
    var notice: String?
    var isDirty: Bool { text != base?.text }
}

/// The editor's open documents. Text sync notifications mutate it on the reader thread, in
/// order; everything else reads snapshots.
final class DocumentStore: @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [String: OpenDocument] = [:]   // by relative path

    func open(_ document: OpenDocument) { lock.withLock { documents[document.path] = document } }

    func close(path: String) { _ = lock.withLock { documents.removeValue(forKey: path) } }

    subscript(path: String) -> OpenDocument? { lock.withLock { documents[path] } }

    var all: [OpenDocument] { lock.withLock { Array(documents.values) } }

    /// Changes a document in place; returns the result, or nil if it is not open.
    @discardableResult
    func update(path: String, _ change: (inout OpenDocument) -> Void) -> OpenDocument? {
        lock.withLock {
            guard var document = documents[path] else { return nil }
            change(&document)
            documents[path] = document
            return document
        }
    }
}

/// The texts of recent versions this bridge served or saved, by path and version, so a client
/// that saves with only a `baseVersion` (a script, not an open buffer) can still be merged.
final class ServedVersions: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: BaseState] = [:]
    private var order: [String] = []
    private let capacity = 256

    func remember(_ state: BaseState, path: String) {
        let key = "\(path)\0\(state.version)"
        lock.withLock {
            if texts.updateValue(state, forKey: key) == nil { order.append(key) }
            if order.count > capacity { texts.removeValue(forKey: order.removeFirst()) }
        }
    }

    subscript(path: String, version: Int64) -> BaseState? { lock.withLock { texts["\(path)\0\(version)"] } }
}
