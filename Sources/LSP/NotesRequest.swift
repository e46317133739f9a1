import JSON

/// A `notes/*` request, sourcekit-lsp's way: the conforming struct is its params (read from JSON,
/// errors naming the field at fault) and `Response` is its result (written as JSON).
public protocol NotesRequest: Sendable {
    associatedtype Response: NotesResponse
    static var method: String { get }
    init(_ params: JSONFields) throws(FieldError)
}

/// A `notes/*` result or notification payload, as it goes on the wire.
public protocol NotesResponse: Sendable {
    var json: JSONValue { get }
}

/// How a request names a note: `uri`, `path` (relative to the root) or `textDocument.uri`, the
/// first one present.
public struct NoteTarget: Sendable, Hashable {
    public enum Name: Sendable, Hashable {
        case uri(String)
        case path(String)
    }

    public var name: Name
    /// Where the naming fields sit ("" in the params themselves, "arguments[0]" in a command's
    /// argument), for errors about the path.
    public var within: String

    public init(_ name: Name, within: String = "") {
        self.name = name
        self.within = within
    }

    public init(_ params: JSONFields) throws(FieldError) {
        within = params.path
        if let uri = try params.optionalString("uri") {
            name = .uri(uri)
        } else if let path = try params.optionalString("path") {
            name = .path(path)
        } else if let document = try params.optionalObject("textDocument") {
            name = .uri(try document.string("uri"))
        } else {
            throw FieldError("\(within.isEmpty ? "" : within + ": ")expected one of uri, path, textDocument")
        }
    }
}
