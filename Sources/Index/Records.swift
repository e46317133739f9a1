import Notes

/// What the index knows about one note file.
public struct NoteRecord: Sendable, Hashable {
    public var path: String
    public var permalink: String
    public var title: String
    public var type: String
    public var checksum: String
    public var size: Int64
    /// File modification time, nanoseconds since 1970.
    public var mtime: Int64
    /// Bumped by every write of the note; never reused for a path, even after a delete.
    public var version: Int64
    /// Milliseconds since 1970.
    public var updatedAt: Int64
    /// The device that wrote this version.
    public var updatedBy: String
}

/// What an incremental scan compares a file against.
public struct IndexStamp: Sendable, Hashable {
    public var size: Int64
    public var mtime: Int64
    public var checksum: String
    public var version: Int64

    public init(size: Int64, mtime: Int64, checksum: String, version: Int64) {
        self.size = size
        self.mtime = mtime
        self.checksum = checksum
        self.version = version
    }
}

/// One note to write: its exact bytes, their parsed reading and the file facts they came from.
/// The bytes become the text of the version the write creates (see `NoteIndex.history`). The SQL
/// values are worked out when it is made, so bulk indexing does that work on the parsing threads.
public struct NoteWrite: Sendable {
    public let path: String
    public let parsed: ParsedNote
    /// `Checksum.sha256(bytes)`; reads of the stored text verify it.
    public let checksum: String
    public let size: Int64
    public let mtime: Int64
    /// Always set by the public initialiser; optional for the statements shared with old, text-less rows.
    let bytes: [UInt8]?
    let values: NoteRowValues

    /// `checksum` must be `Checksum.sha256(bytes)` (callers have it already for the swap).
    public init(path: String, bytes: [UInt8], checksum: String, parsed: ParsedNote, mtime: Int64) {
        self.init(path: path, parsed: parsed, checksum: checksum, size: Int64(bytes.count), mtime: mtime, bytes: bytes)
    }

    init(path: String, parsed: ParsedNote, checksum: String, size: Int64, mtime: Int64, bytes: [UInt8]?) {
        self.path = path
        self.parsed = parsed
        self.checksum = checksum
        self.size = size
        self.mtime = mtime
        self.bytes = bytes
        values = NoteRowValues(path: path, parsed: parsed)
    }
}

/// A new size and mtime for a file whose content (checksum) did not change.
public struct StampUpdate: Sendable, Hashable {
    public var path: String
    public var size: Int64
    public var mtime: Int64

    public init(path: String, size: Int64, mtime: Int64) {
        self.path = path
        self.size = size
        self.mtime = mtime
    }
}

/// The result of a compare-and-swap save.
public enum SaveOutcome: Sendable, Hashable {
    /// The index held `baseVersion`; the note is now this record.
    case won(NoteRecord)
    /// Someone else moved the note first; this is what the index holds now (nil: deleted).
    case lost(current: NoteRecord?)
}

/// The result of a compare-and-swap delete.
public enum DeleteOutcome: Sendable, Hashable {
    case deleted
    case lost(current: NoteRecord?)
}

/// One link or relation written in a note.
public struct LinkRecord: Sendable, Hashable {
    public var sourcePath: String
    /// `links_to` for inline links, else the relation type.
    public var type: String
    /// The target as written inside `[[…]]`.
    public var target: String
    public var alias: String?
    public var context: String?
    public var isInline: Bool
    public var span: TextSpan
}

/// One entry of the change feed.
public struct ChangeRecord: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable {
        case created, changed, deleted
    }

    public var seq: Int64
    public var path: String
    public var op: Operation
    /// nil for deletions.
    public var checksum: String?
    public var version: Int64
    public var device: String
    /// Milliseconds since 1970.
    public var at: Int64
}
