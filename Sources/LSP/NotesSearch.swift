import JSON

/// `notes/search {query, limit?, offset?, type?, tag?, folder?}`: full-text search of the index.
public struct SearchNotesRequest: NotesRequest {
    public typealias Response = SearchNotesResult
    public static let method = "notes/search"

    public var query: String
    /// 1–1000, default 20.
    public var limit: Int
    public var offset: Int
    public var type: String?
    public var tag: String?
    public var folder: String?

    public init(query: String, limit: Int = 20, offset: Int = 0, type: String? = nil, tag: String? = nil, folder: String? = nil) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.type = type
        self.tag = tag
        self.folder = folder
    }

    public init(_ params: JSONFields) throws(FieldError) {
        query = try params.string("query")
        limit = try params.optionalInteger("limit") ?? 20
        offset = try params.optionalInteger("offset") ?? 0
        type = try params.optionalString("type")
        tag = try params.optionalString("tag")
        folder = try params.optionalString("folder")
        guard (1...1000).contains(limit) else { throw params.invalid("limit", "must be between 1 and 1000") }
        guard offset >= 0 else { throw params.invalid("offset", "must be 0 or more") }
    }
}

/// The best matches first; `incomplete` while the first index of the folder has not finished.
public struct SearchNotesResult: NotesResponse, Hashable {
    public struct Hit: Sendable, Hashable {
        public var uri: String
        public var path: String
        public var permalink: String
        public var title: String
        public var type: String
        public var snippet: String
        public var score: Double

        public init(uri: String, path: String, permalink: String, title: String, type: String, snippet: String, score: Double) {
            self.uri = uri
            self.path = path
            self.permalink = permalink
            self.title = title
            self.type = type
            self.snippet = snippet
            self.score = score
        }

        public var json: JSONValue {
            ["uri": .string(uri), "path": .string(path), "permalink": .string(permalink), "title": .string(title),
             "type": .string(type), "snippet": .string(snippet), "score": .double(score)]
        }
    }

    public var results: [Hit]
    /// No note matched every word, so the query was run again matching any word.
    public var retriedWithOr: Bool
    public var incomplete: Bool

    public init(results: [Hit], retriedWithOr: Bool, incomplete: Bool) {
        self.results = results
        self.retriedWithOr = retriedWithOr
        self.incomplete = incomplete
    }

    public var json: JSONValue {
        ["results": .array(results.map(\.json)), "retriedWithOr": .bool(retriedWithOr), "incomplete": .bool(incomplete)]
    }
}
