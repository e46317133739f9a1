import Foundation

/// Basic Memory's permalink rules (`generate_permalink`): paths and titles become lower-case
/// kebab-case slugs; folders are kept, other scripts are transliterated to ASCII as Unidecode
/// does, CJK text is kept as is.
public enum Permalink {
    /// The permalink of a note file, e.g. `specs/API (v2).md` → `specs/api-v2`.
    public static func generate(fromPath path: String) -> String {
        slug(dropKnownExtension(precomposed(path)))
    }

    /// A free string (a link target, a title) slugged the same way; only `.md` is dropped.
    public static func normalize(_ s: String) -> String {
        var text = precomposed(s)
        for suffix in [".md", ".markdown"] where text.lowercased().hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count))
        }
        return slug(text)
    }

    /// The text in Unicode normal form C. ASCII text already is, and Foundation's mapping is slow
    /// enough to show when indexing thousands of links.
    private static func precomposed(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
    }

    /// Extensions Basic Memory strips (it asks Python's `mimetypes`); others, like the `0` of
    /// `Version 2.0.0`, are part of the name.
    private static let knownExtensions: Set<String> = [
        "md", "markdown", "txt", "text", "html", "htm", "xml", "json", "csv", "tsv", "pdf", "rtf",
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic",
        "mp3", "mp4", "m4a", "wav", "ogg", "webm", "mov", "avi", "mkv", "flac",
        "zip", "gz", "tar", "tgz", "bz2", "7z", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
        "js", "mjs", "css", "py", "c", "h", "sh", "ics", "epub", "tex", "yaml", "yml", "toml",
    ]

    private static func dropKnownExtension(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        // Like Python's splitext, dots leading the name do not start an extension (`....md` has none).
        guard let dot = name.lastIndex(of: "."), name[..<dot].contains(where: { $0 != "." }) else { return path }
        let ext = name[name.index(after: dot)...].lowercased()
        guard knownExtensions.contains(ext) else { return path }
        return String(path.dropLast(ext.count + 1))
    }

    private static func slug(_ text: String) -> String {
        let ascii = transliterated(text)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(ascii.count + 8)
        var previous: Unicode.Scalar?
        for scalar in ascii {
            if let before = previous, needsHyphen(between: before, and: scalar) { out.append("-") }
            previous = scalar
            switch scalar {
            case "A"..."Z": out.append(Unicode.Scalar(scalar.value + 32)!)
            case "a"..."z", "0"..."9", "/", ".", "-": out.append(scalar)
            case "'": break
            default: out.append(isCJK(scalar) ? scalar : "-")
            }
        }
        // Per folder segment: runs of hyphens collapsed, hyphens at either end dropped.
        var result = String.UnicodeScalarView()
        var segment: [Unicode.Scalar] = []
        func appendSegment() {
            guard let first = segment.firstIndex(where: { $0 != "-" }), let last = segment.lastIndex(where: { $0 != "-" }) else { return }
            result.append(contentsOf: segment[first...last])
        }
        for scalar in out {
            if scalar == "/" {
                appendSegment()
                result.append("/")
                segment.removeAll(keepingCapacity: true)
            } else if scalar == "-", segment.last == "-" {
                continue
            } else {
                segment.append(scalar)
            }
        }
        appendSegment()
        return String(result)
    }

    /// camelCase boundaries, and boundaries between CJK and ASCII letters or digits.
    private static func needsHyphen(between a: Unicode.Scalar, and b: Unicode.Scalar) -> Bool {
        if isLowerOrDigit(a), ("A"..."Z").contains(b) { return true }
        if isCJK(a), isASCIIAlphanumeric(b) { return true }
        if isASCIIAlphanumeric(a), isCJK(b) { return true }
        return false
    }

    /// The text as ASCII plus CJK, as Basic Memory has it: other characters transliterated by
    /// Unidecode's table; full-width forms dropped when the name has CJK in it.
    private static func transliterated(_ text: String) -> [Unicode.Scalar] {
        let hasCJK = text.unicodeScalars.contains(where: isCJK)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if hasCJK, isCJK(scalar) {
                out.append(scalar)
            } else if hasCJK, (0xFF00...0xFFEF).contains(scalar.value) {
                continue
            } else {
                Unidecode.append(scalar, to: &out)
            }
        }
        return out
    }

    private static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3000...0x303F, 0x3400...0x4DBF: return true
        default: return false
        }
    }

    private static func isLowerOrDigit(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }

    private static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }
}
