import JSON

/// `notes/open {path | uri | permalink, version?}`: a note's text and the version it is at, or
/// with `version` an older version's text from the history.
public struct OpenNoteRequest: NotesRequest {
    public typealias Response = OpenNoteResult
    public static let method = "notes/open"

    public enum Note: Sendable, Hashable {
        /// A permalink or a title; it wins over `uri` and `path`.
        case permalink(String)
        case target(NoteTarget)
    }

    public var note: Note
    /// An older version to read from the history (1 or more).
    public var version: Int64?

    public init(note: Note, version: Int64? = nil) {
        self.note = note
        self.version = version
    }

    public init(_ params: JSONFields) throws(FieldError) {
        if let version = try params.optionalInteger("version") {
            guard version >= 1 else { throw params.invalid("version", "must be 1 or more") }
            self.version = Int64(version)
        }
        if let permalink = try params.optionalString("permalink") {
            note = .permalink(permalink)
        } else {
            note = .target(try NoteTarget(params))
        }
    }
}

/// What `notes/open` answers: the note's text at `version`, and where the text came from.
public struct OpenNoteResult: NotesResponse, Hashable {
    public enum Source: String, Sendable {
        /// The mount does not show the version yet: the index's copy, checksum verified.
        case index
        case mount
        /// An older version, from the history.
        case history
    }

    /// An older version's history entry, and the version the index holds now (nil: deleted).
    public struct Kept: Sendable, Hashable {
        public var entry: NoteHistoryEntry
        public var currentVersion: Int64?

        public init(entry: NoteHistoryEntry, currentVersion: Int64?) {
            self.entry = entry
            self.currentVersion = currentVersion
        }
    }

    public var uri: String
    public var path: String
    public var permalink: String
    public var title: String
    public var text: String
    public var checksum: String?
    public var version: Int64
    public var source: Source
    /// The current version only: the mount's older file stands in for a version whose text the
    /// index did not keep.
    public var stale: Bool?
    /// An older version only.
    public var kept: Kept?

    /// The current version of a note.
    public init(uri: String, path: String, permalink: String, title: String, text: String, checksum: String?,
                version: Int64, source: Source, stale: Bool) {
        self.uri = uri
        self.path = path
        self.permalink = permalink
        self.title = title
        self.text = text
        self.checksum = checksum
        self.version = version
        self.source = source
        self.stale = stale
    }

    /// An older version, from the history.
    public init(uri: String, path: String, permalink: String, title: String, text: String, kept: Kept) {
        self.init(uri: uri, path: path, permalink: permalink, title: title, text: text, checksum: kept.entry.checksum,
                  version: kept.entry.version, source: .history, stale: false)
        self.stale = nil
        self.kept = kept
    }

    public var json: JSONValue {
        var value = kept?.entry.fields ?? [:]
        value.merge([
            "uri": .string(uri), "path": .string(path), "permalink": .string(permalink), "title": .string(title),
            "text": .string(text), "checksum": JSONValue(checksum), "version": .integer(version),
            "source": .string(source.rawValue),
        ]) { _, new in new }
        if let stale { value["stale"] = .bool(stale) }
        if let kept { value["currentVersion"] = kept.currentVersion.map { .integer($0) } ?? .null }
        return .object(value)
    }
}
