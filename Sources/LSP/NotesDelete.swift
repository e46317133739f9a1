import JSON

/// `notes/delete {uri | path, baseVersion?}`: deletes a note unless it changed meanwhile.
public struct DeleteNoteRequest: NotesRequest {
    public typealias Response = DeleteNoteResult
    public static let method = "notes/delete"

    public var note: NoteTarget
    /// Default: the open buffer's base version, else whatever version the note is at.
    public var baseVersion: Int64?

    public init(note: NoteTarget, baseVersion: Int64? = nil) {
        self.note = note
        self.baseVersion = baseVersion
    }

    public init(_ params: JSONFields) throws(FieldError) {
        note = try NoteTarget(params)
        baseVersion = try params.optionalInteger("baseVersion").map(Int64.init)
    }
}

/// `{status: "deleted"}`, or `{status: "conflict", version}` when the note is no longer at the
/// base version (nothing was deleted; `version` is the current one, nil when it is gone).
public enum DeleteNoteResult: NotesResponse, Hashable {
    case deleted
    case conflict(version: Int64?)

    public var json: JSONValue {
        switch self {
        case .deleted: ["status": "deleted"]
        case .conflict(let version): ["status": "conflict", "version": version.map { .integer($0) } ?? .null]
        }
    }
}
