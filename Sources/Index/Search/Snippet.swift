import Foundation

/// A word of the query to highlight: lower-cased, accents removed, matched as a whole word or
/// as a prefix, the way the full-text tokenizer compares them.
struct HighlightTerm: Hashable {
    var word: String
    var prefix: Bool
}

/// A short single-line excerpt of a note's body around the densest run of query words, with
/// the UTF-16 ranges of those words in the excerpt. Works on UTF-8 bytes: a word is a run of
/// ASCII letters and digits or non-ASCII characters (close to the tokenizer, and fast).
struct Snippet {
    var text: String
    var ranges: [Range<Int>]

    /// Words shown in a snippet.
    static let windowWords = 24

    init(body: String, terms: [HighlightTerm]) {
        let bytes = Array(body.utf8)
        let words = Self.words(in: bytes)
        guard !words.isEmpty else {
            text = ""
            ranges = []
            return
        }
        let termBytes = terms.map { (bytes: Array($0.word.utf8), prefix: $0.prefix) }.filter { !$0.bytes.isEmpty }
        let matches = words.map { word in termBytes.contains { Self.matches(word, in: bytes, term: $0.bytes, prefix: $0.prefix) } }

        // The window of `windowWords` words with the most matches, the earliest on a tie.
        var best = 0, bestCount = -1, count = 0
        for index in matches.indices {
            if matches[index] { count += 1 }
            if index >= Self.windowWords, matches[index - Self.windowWords] { count -= 1 }
            if count > bestCount { bestCount = count; best = max(0, index - Self.windowWords + 1) }
        }
        let last = min(words.count, best + Self.windowWords) - 1
        let start = best == 0 ? 0 : words[best].bytes.lowerBound
        let end = last == words.count - 1 ? bytes.count : words[last].bytes.upperBound
        let lead = start > 0 ? "…" : ""
        let excerpt = String(decoding: bytes[start..<end].map { $0 == 10 || $0 == 13 || $0 == 9 ? 32 : $0 }, as: UTF8.self)
        text = lead + excerpt + (end < bytes.count ? "…" : "")
        let shift = lead.utf16.count - (start == 0 ? 0 : words[best].utf16Start)
        ranges = (best...last).filter { matches[$0] }.map { index in
            let word = words[index]
            return (word.utf16Start + shift)..<(word.utf16Start + word.utf16Count + shift)
        }
    }

    private struct Word {
        var bytes: Range<Int>
        var utf16Start: Int
        var utf16Count: Int
        var ascii: Bool
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    private static func words(in bytes: [UInt8]) -> [Word] {
        var words: [Word] = []
        var utf16 = 0
        var index = 0
        while index < bytes.count {
            guard isWordByte(bytes[index]) else {
                utf16 += 1
                index += 1
                continue
            }
            let start = index, startUTF16 = utf16
            var ascii = true
            while index < bytes.count, isWordByte(bytes[index]) {
                let byte = bytes[index]
                if byte >= 0x80 { ascii = false }
                // One UTF-16 unit per scalar, two for scalars beyond the BMP (4-byte sequences).
                if byte & 0xC0 != 0x80 { utf16 += byte >= 0xF0 ? 2 : 1 }
                index += 1
            }
            words.append(Word(bytes: start..<index, utf16Start: startUTF16, utf16Count: utf16 - startUTF16, ascii: ascii))
        }
        return words
    }

    private static func matches(_ word: Word, in bytes: [UInt8], term: [UInt8], prefix: Bool) -> Bool {
        guard word.ascii else {
            let folded = Array(fold(String(decoding: bytes[word.bytes], as: UTF8.self)).utf8)
            return prefix ? folded.starts(with: term) : folded == term
        }
        let length = word.bytes.count
        guard prefix ? length >= term.count : length == term.count else { return false }
        for offset in 0..<term.count {
            var byte = bytes[word.bytes.lowerBound + offset]
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != term[offset] { return false }
        }
        return true
    }

    /// Lower case without accents; ASCII takes the quick path.
    static func fold(_ word: String) -> String {
        if word.utf8.allSatisfy({ $0 < 128 }) { return word.lowercased() }
        return word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }
}
