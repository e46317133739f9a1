import JSON

/// `notes/didChange`: notes changed elsewhere (another device or bridge, or a program writing
/// the files), each (path, checksum) announced once.
public struct NotesDidChange: NotesResponse, Hashable {
    public static let method = "notes/didChange"

    public struct Change: Sendable, Hashable {
        public enum Kind: String, Sendable { case created, changed, deleted }

        public var uri: String
        public var path: String
        public var kind: Kind
        /// The new checksum; nil when deleted.
        public var checksum: String?
        /// The note's version after the change.
        public var version: Int64
        /// The device that recorded it.
        public var origin: String
        /// When, ISO 8601 UTC.
        public var at: String

        public init(uri: String, path: String, kind: Kind, checksum: String?, version: Int64, origin: String, at: String) {
            self.uri = uri
            self.path = path
            self.kind = kind
            self.checksum = checksum
            self.version = version
            self.origin = origin
            self.at = at
        }

        public var json: JSONValue {
            ["uri": .string(uri), "path": .string(path), "kind": .string(kind.rawValue), "checksum": JSONValue(checksum),
             "version": .integer(version), "origin": .string(origin), "at": .string(at)]
        }
    }

    public var changes: [Change]

    public init(changes: [Change]) { self.changes = changes }

    public var json: JSONValue { ["changes": .array(changes.map(\.json))] }
}

/// `notes/didUpload`: a save answered with `uploaded: false` has reached the bucket.
public struct NotesDidUpload: NotesResponse, Hashable {
    public static let method = "notes/didUpload"

    public var uri: String
    public var path: String
    /// The checksum of the save that landed.
    public var checksum: String

    public init(uri: String, path: String, checksum: String) {
        self.uri = uri
        self.path = path
        self.checksum = checksum
    }

    public var json: JSONValue { ["uri": .string(uri), "path": .string(path), "checksum": .string(checksum)] }
}
