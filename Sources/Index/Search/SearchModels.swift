/// A search: the query text (see `SearchQuery` for its language) and optional filters.
public struct SearchRequest: Sendable, Hashable {
    public var text: String
    public var limit: Int
    public var offset: Int
    public var type: String?
    public var tag: String?
    /// A folder relative to the root; notes in it and below it match.
    public var folder: String?

    public init(text: String, limit: Int = 20, offset: Int = 0, type: String? = nil, tag: String? = nil, folder: String? = nil) {
        self.text = text
        self.limit = limit
        self.offset = offset
        self.type = type
        self.tag = tag
        self.folder = folder
    }
}

/// One matching note.
public struct SearchHit: Sendable, Hashable {
    public var path: String
    public var permalink: String
    public var title: String
    public var type: String
    /// A short excerpt of the body around the matches.
    public var snippet: String
    /// The matched words in `snippet`, as UTF-16 offsets.
    public var matchRanges: [Range<Int>]
    /// Higher is better; comparable only within one result list.
    public var score: Double
}

public struct SearchResults: Sendable, Hashable {
    public var hits: [SearchHit]
    /// The words found nothing together, so any of them was searched instead.
    public var retriedWithOr: Bool
}
