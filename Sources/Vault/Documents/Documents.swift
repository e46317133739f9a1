import Foundation
import Merge
import Notes
import Support

/// What an editor buffer was last in agreement with: the index version and the text on disk.
package struct BaseState: Sendable, Equatable {
    package var version: Int64          // 0: the note did not exist
    package var checksum: String?
    package var text: String

    package init(version: Int64, checksum: String? = nil, text: String) {
        self.version = version
        self.checksum = checksum
        self.text = text
    }
}

/// A newer version of a note than the buffer's base, learned from the feed, a scan or inotify.
package struct RemoteChange: Sendable, Equatable {
    package var version: Int64
    package var checksum: String?       // nil: deleted
    package var text: String?           // read once when we learned of it; nil if the mount did not show it yet
    package var device: String?

    package init(version: Int64, checksum: String? = nil, text: String? = nil, device: String? = nil) {
        self.version = version
        self.checksum = checksum
        self.text = text
        self.device = device
    }
}

/// An unresolved conflict after a save lost and could not be merged.
package struct ConflictState: Sendable, Equatable {
    package var theirs: BaseState
    package var ours: String
    package var copyPath: String
    package var hunks: [ConflictHunk]
    package var markedText: String

    package init(theirs: BaseState, ours: String, copyPath: String, hunks: [ConflictHunk], markedText: String) {
        self.theirs = theirs
        self.ours = ours
        self.copyPath = copyPath
        self.hunks = hunks
        self.markedText = markedText
    }
}

package struct OpenDocument: Sendable {
    package var uri: String
    package var path: String            // relative to the root
    package var text: String
    package var lspVersion: Int
    /// nil until the bridge has read the file and the index for it (off the reader thread).
    package var base: BaseState?
    package var remote: RemoteChange?
    package var conflict: ConflictState?
    /// A warning to show until the next save, e.g. that an editor's own write replaced a newer version.
    package var notice: String?

    package init(uri: String, path: String, text: String, lspVersion: Int, base: BaseState? = nil, remote: RemoteChange? = nil, conflict: ConflictState? = nil, notice: String? = nil) {
        self.uri = uri
        self.path = path
        self.text = text
        self.lspVersion = lspVersion
        self.base = base
        self.remote = remote
        self.conflict = conflict
        self.notice = notice
    }
    package var isDirty: Bool { text != base?.text }
}

/// The editor's open documents. Text sync notifications mutate it on the reader thread, in
/// order; everything else reads snapshots.
package final class DocumentStore: Sendable {
    private let documents = Locked<[String: OpenDocument]>([:])   // by relative path

    package init() {}

    package func open(_ document: OpenDocument) { documents.withLock { $0[document.path] = document } }

    package func close(path: String) { _ = documents.withLock { $0.removeValue(forKey: path) } }

    package subscript(path: String) -> OpenDocument? { documents.withLock { $0[path] } }

    package var all: [OpenDocument] { documents.withLock { Array($0.values) } }

    /// Changes a document in place; returns the result, or nil if it is not open.
    @discardableResult
    package func update(path: String, _ change: (inout OpenDocument) -> Void) -> OpenDocument? {
        documents.withLock { documents in
            guard var document = documents[path] else { return nil }
            change(&document)
            documents[path] = document
            return document
        }
    }
}
