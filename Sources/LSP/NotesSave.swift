import JSON

/// `notes/save {uri | path, text, baseVersion?, baseChecksum?, force?}`: saves a note's whole text,
/// a compare-and-swap against the version it is based on.
public struct SaveNoteRequest: NotesRequest {
    public typealias Response = SaveNoteResult
    public static let method = "notes/save"

    public var note: NoteTarget
    public var text: String
    /// Overwrite whatever is there.
    public var force: Bool
    /// The version the text is based on (0: the note does not exist yet).
    public var baseVersion: Int64?
    public var baseChecksum: String?

    public init(note: NoteTarget, text: String, force: Bool = false, baseVersion: Int64? = nil, baseChecksum: String? = nil) {
        self.note = note
        self.text = text
        self.force = force
        self.baseVersion = baseVersion
        self.baseChecksum = baseChecksum
    }

    public init(_ params: JSONFields) throws(FieldError) {
        note = try NoteTarget(params)
        text = try params.string("text")
        force = try params.optionalBool("force") ?? false
        let baseVersion = try params.optionalInteger("baseVersion")
        baseChecksum = try params.optionalString("baseChecksum")
        if let baseVersion, baseVersion < 0 { throw params.invalid("baseVersion", "must be 0 or more") }
        self.baseVersion = baseVersion.map(Int64.init)
    }
}

/// What a save did: `{status, uri, path, checksum, version, uploaded?, text?, conflict?, outsideWriteCopy?}`.
public struct SaveNoteResult: NotesResponse, Hashable {
    public enum Status: String, Sendable {
        case saved, merged, conflict, unchanged
    }

    public var status: Status
    public var uri: String
    public var path: String
    /// Of the note now: the saved or merged text, or theirs after a conflict.
    public var checksum: String
    public var version: Int64
    /// The merged text, or theirs after a conflict.
    public var text: String?
    /// Whether the bucket holds the saved bytes yet (saved or merged; nil when unknown).
    public var uploaded: Bool?
    public var conflict: SaveConflict?
    /// Where another program's text, written while the save was under way, was kept.
    public var outsideWriteCopy: String?

    public init(status: Status, uri: String, path: String, checksum: String, version: Int64, text: String? = nil,
                uploaded: Bool? = nil, conflict: SaveConflict? = nil, outsideWriteCopy: String? = nil) {
        self.status = status
        self.uri = uri
        self.path = path
        self.checksum = checksum
        self.version = version
        self.text = text
        self.uploaded = uploaded
        self.conflict = conflict
        self.outsideWriteCopy = outsideWriteCopy
    }

    public var json: JSONValue {
        var value: [String: JSONValue] = [
            "status": .string(status.rawValue), "checksum": .string(checksum), "version": .integer(version),
            "path": .string(path), "uri": .string(uri),
        ]
        if let text { value["text"] = .string(text) }
        if let uploaded { value["uploaded"] = .bool(uploaded) }
        if let conflict { value["conflict"] = conflict.json }
        if let outsideWriteCopy { value["outsideWriteCopy"] = .string(outsideWriteCopy) }
        return .object(value)
    }
}

/// A save that lost to a newer version and did not merge cleanly: ours went to `copyPath`.
public struct SaveConflict: Sendable, Hashable {
    /// A place where both changed: `range` covers whole lines of our text (end exclusive).
    public struct Hunk: Sendable, Hashable {
        public var range: LSPRange
        public var ours: String
        public var theirs: String

        public init(range: LSPRange, ours: String, theirs: String) {
            self.range = range
            self.ours = ours
            self.theirs = theirs
        }

        public var json: JSONValue { ["range": range.json, "ours": .string(ours), "theirs": .string(theirs)] }
    }

    public var theirsChecksum: String?
    public var theirsVersion: Int64
    public var copyPath: String
    public var hunks: [Hunk]

    public init(theirsChecksum: String?, theirsVersion: Int64, copyPath: String, hunks: [Hunk]) {
        self.theirsChecksum = theirsChecksum
        self.theirsVersion = theirsVersion
        self.copyPath = copyPath
        self.hunks = hunks
    }

    public var json: JSONValue {
        ["theirsChecksum": JSONValue(theirsChecksum), "theirsVersion": .integer(theirsVersion), "copyPath": .string(copyPath),
         "hunks": .array(hunks.map(\.json))]
    }
}
