import JSON

/// `notes/history {path | uri, limit?}`: the versions the index keeps of a note, newest first.
public struct NoteHistoryRequest: NotesRequest {
    public typealias Response = NoteHistoryResult
    public static let method = "notes/history"

    public var note: NoteTarget
    /// 1–1000, default 50.
    public var limit: Int

    public init(note: NoteTarget, limit: Int = 50) {
        self.note = note
        self.limit = limit
    }

    public init(_ params: JSONFields) throws(FieldError) {
        note = try NoteTarget(params)
        limit = try params.optionalInteger("limit") ?? 50
        guard (1...1000).contains(limit) else { throw FieldError("limit: must be between 1 and 1000") }
    }
}

/// `{path, uri, versions}`, newest first.
public struct NoteHistoryResult: NotesResponse, Hashable {
    public var path: String
    public var uri: String
    public var versions: [NoteHistoryEntry]

    public init(path: String, uri: String, versions: [NoteHistoryEntry]) {
        self.path = path
        self.uri = uri
        self.versions = versions
    }

    public var json: JSONValue { ["path": .string(path), "uri": .string(uri), "versions": .array(versions.map(\.json))] }
}

/// One entry of a note's history. A deletion has no checksum, size 0 and no text.
public struct NoteHistoryEntry: Sendable, Hashable {
    public var version: Int64
    public var checksum: String?
    public var device: String
    /// When, RFC 3339 UTC with milliseconds.
    public var at: String
    public var size: Int64
    /// How the version reached the index: save, merge, restore, editor, watch, scan, open, index.
    public var origin: String
    public var hasText: Bool

    public init(version: Int64, checksum: String?, device: String, at: String, size: Int64, origin: String, hasText: Bool) {
        self.version = version
        self.checksum = checksum
        self.device = device
        self.at = at
        self.size = size
        self.origin = origin
        self.hasText = hasText
    }

    public var deleted: Bool { checksum == nil }

    public var fields: [String: JSONValue] {
        ["version": .integer(version), "checksum": JSONValue(checksum), "device": .string(device), "at": .string(at),
         "size": .integer(size), "origin": .string(origin), "deleted": .bool(deleted), "hasText": .bool(hasText)]
    }

    public var json: JSONValue { .object(fields) }
}

/// `notebridge.restore {uri | path, version, baseVersion?}`: saves an older version's text as the
/// newest version, a compare-and-swap against `baseVersion`.
public struct RestoreNoteArguments: Sendable, Hashable {
    public var note: NoteTarget
    public var version: Int64
    /// Default: the version the index holds now; 0 re-creates a deleted note.
    public var baseVersion: Int64?

    public init(_ argument: JSONFields) throws(FieldError) {
        note = try NoteTarget(argument)
        guard let version = try argument.optionalInteger("version"), version >= 1 else {
            throw argument.invalid("version", "expected the version to restore (1 or more)")
        }
        self.version = Int64(version)
        let baseVersion = try argument.optionalInteger("baseVersion")
        if let baseVersion, baseVersion < 0 { throw argument.invalid("baseVersion", "must be 0 or more") }
        self.baseVersion = baseVersion.map(Int64.init)
    }
}
