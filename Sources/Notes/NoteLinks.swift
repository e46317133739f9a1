/// Path and link-target rules shared by the parser.
enum NoteLinks {
    /// `project::note` → `project/note`; anything else unchanged.
    static func projectReference(_ target: String) -> String {
        // The byte check spares Foundation's (slow) search for the usual target without a colon.
        guard target.utf8.contains(UInt8(ascii: ":")), let separator = target.range(of: "::") else { return target }
        let remainder = target[separator.upperBound...].drop { $0 == "/" }
        return target[..<separator.lowerBound] + "/" + remainder
    }

    /// The folder part of a root-relative path ("" for a file at the root).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The file name without its last extension, like Python's `Path.stem`.
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The root-relative path a markdown link destination names, Basic Memory's way
    /// (`markdown/path_links.py`): any local file (`x.md`, `a.py`, `../a/b.md`, `/c.md`,
    /// `my%20note.md#part`), relative to the note's folder; nil for URLs (any scheme), `//host`,
    /// anchors and queries alone, folders (`x/`), backslashes, and paths that climb out of the root.
    static func resolveMarkdownPath(_ destination: String, folder: String) -> String? {
        var raw = Substring(destination)
        if hasScheme(raw) || raw.hasPrefix("//") { return nil }
        if let cut = raw.firstIndex(where: { $0 == "#" || $0 == "?" }) { raw = raw[..<cut] }
        guard !raw.isEmpty else { return nil }
        let decoded = percentDecoded(raw)
        guard !decoded.contains("\\"), !decoded.contains("\u{0}"), !decoded.hasSuffix("/") else { return nil }
        var segments = decoded.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for segment in decoded.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..":
                if segments.isEmpty { return nil }
                segments.removeLast()
            default: segments.append(String(segment))
            }
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    /// Whether the text starts with a URL scheme such as `https:` or `mailto:` (Python's
    /// `urlsplit`: a letter, then letters, digits, `+`, `-` or `.`, then `:`).
    private static func hasScheme(_ s: Substring) -> Bool {
        guard let colon = s.firstIndex(of: ":"), let first = s.first, first.isASCII, first.isLetter else { return false }
        return s[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }

    private static func percentDecoded(_ s: Substring) -> String {
        var out: [UInt8] = []
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
