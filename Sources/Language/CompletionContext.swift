import Foundation

/// What the text before the cursor asks to complete, with the byte columns the choice replaces.
package enum CompletionContext: Equatable {
    /// `[[query` — a note; `replace` runs to the closing `]]` when there is one.
    case link(query: String, replace: Range<Int>)
    /// `#prefix` — a tag.
    case tag(prefix: String, replace: Range<Int>)
    /// `- prefix` at the start of a list item — a relation type.
    case relationType(prefix: String, replace: Range<Int>)
    /// `- [prefix` — an observation category; `replace` takes in a `]` already there.
    case category(prefix: String, replace: Range<Int>, closed: Bool)

    /// Reads the line around byte column `cursor`; `inBody` is false inside the frontmatter.
    package static func find(line bytes: [UInt8], cursor: Int, inBody: Bool) -> CompletionContext? {
        let cursor = min(max(0, cursor), bytes.count)
        let before = bytes[..<cursor]
        let after = bytes[cursor...]
        if let open = lastOpenLink(before) {
            let typed = bytes[(open + 2)..<cursor]
            guard !typed.contains(UInt8(ascii: "|")) else { return nil }  // typing an alias
            var end = cursor
            if let close = find([UInt8(ascii: "]"), UInt8(ascii: "]")], in: after),
               find([UInt8(ascii: "["), UInt8(ascii: "[")], in: after).map({ $0 > close }) ?? true,
               !bytes[cursor..<close].contains(UInt8(ascii: "|")) {
                end = close + 2
            }
            return .link(query: String(decoding: typed, as: UTF8.self), replace: (open + 2)..<end)
        }
        guard inBody else { return nil }
        var wordStart = cursor
        while wordStart > 0, isTagByte(bytes[wordStart - 1]) { wordStart -= 1 }
        let wordEnd = after.firstIndex { !isTagByte($0) } ?? bytes.count
        if wordStart > 0, bytes[wordStart - 1] == UInt8(ascii: "#"),
           wordStart == 1 || isBlank(bytes[wordStart - 2]) {
            return .tag(prefix: String(decoding: bytes[wordStart..<cursor], as: UTF8.self), replace: wordStart..<wordEnd)
        }
        var i = 0
        while i < cursor, isBlank(bytes[i]) { i += 1 }
        guard i + 1 < cursor, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "*") || bytes[i] == UInt8(ascii: "+"),
              bytes[i + 1] == UInt8(ascii: " ") else { return nil }
        let itemStart = i + 2
        if itemStart < cursor, bytes[itemStart] == UInt8(ascii: "[") {
            let typed = bytes[(itemStart + 1)..<cursor]
            guard !typed.contains(where: { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }) else { return nil }
            var end = after.firstIndex { $0 == UInt8(ascii: "]") || isBlank($0) } ?? bytes.count
            let closed = end < bytes.count && bytes[end] == UInt8(ascii: "]")
            if closed { end += 1 }
            return .category(prefix: String(decoding: typed, as: UTF8.self), replace: (itemStart + 1)..<end, closed: closed)
        }
        let typed = bytes[itemStart..<cursor]
        guard typed.allSatisfy(isTagByte) else { return nil }
        return .relationType(prefix: String(decoding: typed, as: UTF8.self), replace: itemStart..<wordEnd)
    }

    /// The `[[` before the cursor that no `]]` closes yet.
    private static func lastOpenLink(_ before: ArraySlice<UInt8>) -> Int? {
        var i = before.endIndex - 1
        while i > before.startIndex {
            if before[i] == UInt8(ascii: "]"), before[i - 1] == UInt8(ascii: "]") { return nil }
            if before[i] == UInt8(ascii: "["), before[i - 1] == UInt8(ascii: "[") { return i - 1 }
            i -= 1
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Bytes a tag or relation type is made of: anything but blanks and punctuation that ends a word.
    private static func isTagByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}
