/// How a version reached the index. A closed set: adding a value is a schema change, so a binary
/// never reads an origin it does not know.
public enum VersionOrigin: String, Sendable, Hashable, CaseIterable {
    /// The bridge wrote the text itself (`notes/save`, a didSave it wrote, `notes/delete`).
    case save
    /// The bridge wrote a clean 3-way merge of a save that lost its swap.
    case merge
    /// A save of an older version's text (history → restore).
    case restore
    /// An editor's own write of the file, seen after its didSave (Helix, VS Code).
    case editor
    /// A write seen by a file watcher: `notebridge watch`, or the bridge's inotify.
    case watch
    /// A changed or missing file found by a scan (`notebridge index`, the periodic scan).
    case scan
    /// Bytes a `notes/open` read from the mount that the index did not hold yet.
    case open
    /// The first index of a vault (the cold load).
    case index
}

/// One version of a note in its history: everything but the text.
public struct NoteVersionInfo: Sendable, Hashable {
    public var path: String
    public var version: Int64
    /// nil for a deletion.
    public var checksum: String?
    public var device: String
    /// Milliseconds since 1970.
    public var at: Int64
    /// Bytes of the text (0 for a deletion).
    public var size: Int64
    public var origin: VersionOrigin
    /// false for deletions and for versions recorded before the history kept texts (schema 2).
    public var hasText: Bool

    public var isDeletion: Bool { checksum == nil }
}

/// One version of a note with its exact bytes.
public struct NoteVersion: Sendable, Hashable {
    public var info: NoteVersionInfo
    /// Exactly as written, checked against `info.checksum` when read; nil when `!info.hasText`.
    public var bytes: [UInt8]?

    /// The bytes as text (invalid UTF-8 replaced), nil without bytes.
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

/// A note whose newest version is a deletion, with the newest version that has its text.
public struct DeletedNote: Sendable, Hashable {
    public var deletion: NoteVersionInfo
    /// The version to bring back (nil when no version with text is kept).
    public var lastText: NoteVersionInfo?
}

/// How long versions are kept: every version younger than `keepFor`, and the newest
/// `keepLatest` of each note (deleted or not) however old.
public struct RetentionPolicy: Sendable, Hashable {
    public var keepFor: Duration
    /// At least 1: a note's current version is never pruned.
    public var keepLatest: Int

    public init(keepFor: Duration = .seconds(30 * 24 * 3600), keepLatest: Int = 50) {
        self.keepFor = keepFor
        self.keepLatest = max(1, keepLatest)
    }

    public static let standard = RetentionPolicy()
}
