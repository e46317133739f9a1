/// A snippet from FTS5 with matches wrapped in SnippetMarkers, split into plain text and the
/// UTF-16 ranges of the matches.
struct MarkedSnippet {
    var text = ""
    var ranges: [Range<Int>] = []

    init(_ marked: String) {
        var offset = 0
        var start: Int?
        for character in marked {
            switch character {
            case SnippetMarkers.open:
                start = offset
            case SnippetMarkers.close:
                if let open = start, open < offset { ranges.append(open..<offset) }
                start = nil
            default:
                text.append(character)
                offset += character.utf16.count
            }
        }
    }
}
