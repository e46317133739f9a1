import Notes

/// The one rule that decides which note a link names. A target is compared case-insensitively
/// with, in order: a note's permalink (the target as written, or the target turned into a
/// permalink), its title, one of its frontmatter `aliases`, its path without `.md`, its file
/// stem. Within one level the note in the linking note's folder wins, then the shorter path,
/// then the path that sorts first. So a title always beats another note's alias, and an alias
/// beats another note's file name.
/// `./x.md` and `../x.md` are taken relative to the linking note; `memory://`, a leading `/` and
/// a trailing `.md` are ignored.
enum LinkKeys {
    /// The lookup key of a link target written in the note at `sourcePath`.
    static func key(of target: String, from sourcePath: String?) -> String {
        var text = trimmed(target)
        if text.hasPrefix("memory://") { text.removeFirst("memory://".count) }
        if text.hasPrefix("./") || text.hasPrefix("../") {
            text = joined(folder: folder(of: sourcePath ?? ""), relative: text)
        }
        while text.hasPrefix("/") { text.removeFirst() }
        return withoutMarkdownExtension(text).lowercased()
    }

    /// The target in permalink form, the second way a permalink can match.
    static func permalinkKey(of target: String, from sourcePath: String?) -> String {
        Permalink.normalize(key(of: target, from: sourcePath)).lowercased()
    }

    /// The keys under which a note can be found.
    struct NoteKeys: Hashable {
        var permalink: String
        var title: String
        var path: String
        var stem: String
        var folder: String
    }

    static func noteKeys(path: String, permalink: String, title: String) -> NoteKeys {
        let pathKey = withoutMarkdownExtension(path).lowercased()
        let stem = pathKey.split(separator: "/").last.map(String.init) ?? pathKey
        return NoteKeys(permalink: permalink.lowercased(), title: trimmed(title).lowercased(),
                        path: pathKey, stem: stem, folder: folder(of: path))
    }

    /// The aliases worth storing for a note, with their lookup keys (compared like titles):
    /// one per key, none equal to the title.
    static func aliasKeys(_ aliases: [String], title: String) -> [(alias: String, key: String)] {
        var seen: Set<String> = [trimmed(title).lowercased()]
        return aliases.compactMap { alias in
            let key = trimmed(alias).lowercased()
            return !key.isEmpty && seen.insert(key).inserted ? (alias, key) : nil
        }
    }

    /// `a/b/c.md` → `a/b`; a top-level file's folder is "".
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }

    private static func withoutMarkdownExtension(_ text: String) -> String {
        text.lowercased().hasSuffix(".md") ? String(text.dropLast(3)) : text
    }

    private static func joined(folder: String, relative: String) -> String {
        var parts = folder.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
