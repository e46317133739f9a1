import Foundation
import Notes

/// Where a note's title is written: the frontmatter `title:` value and the first heading.
package struct TitlePlaces {
    /// The frontmatter title's value (inside any quotes) and the whole value as written.
    package var frontmatter: (line: Int, inner: Range<Int>, value: Range<Int>)?
    /// The first heading's text, when it is the title.
    package var heading: (line: Int, text: Range<Int>)?

    package init(_ note: NoteSnapshot) {
        if note.parsed.frontmatterState == .valid {
            for line in 1..<max(1, note.parsed.bodyStartLine - 1) {
                let bytes = note.lineBytes(line)
                guard bytes.starts(with: Array("title:".utf8)) else { continue }
                var start = 6
                while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                var end = bytes.count
                while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
                var inner = start..<end
                if end - start >= 2, bytes[start] == bytes[end - 1],
                   bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") {
                    inner = (start + 1)..<(end - 1)
                }
                frontmatter = (line, inner, start..<end)
                break
            }
        }
        if let first = note.parsed.headings.first, first.text == note.parsed.title, !first.text.contains("[[") {
            let bytes = note.lineBytes(first.span.line)
            var start = first.span.utf8.lowerBound
            while start < bytes.count, bytes[start] == UInt8(ascii: "#") { start += 1 }
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            let end = start + first.text.utf8.count
            if end <= bytes.count, bytes[start..<end].elementsEqual(first.text.utf8) { heading = (first.span.line, start..<end) }
        }
    }

    /// The title's range on `line`, when the title is written there.
    package func range(on line: Int) -> (line: Int, bytes: Range<Int>)? {
        if let frontmatter, frontmatter.line == line { return (line, frontmatter.inner) }
        if let heading, heading.line == line { return (line, heading.text) }
        return nil
    }
}

/// The title as a YAML scalar: plain when that reads back the same, else double-quoted.
package enum YAMLTitle {
    package static func scalar(_ title: String) -> String {
        let special = "-?:,[]{}#&*!|>'\"%@`"
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~"]
        let plain = !title.isEmpty && !special.contains(title.first!) && !title.contains(": ") && !title.contains(" #")
            && !title.hasSuffix(":") && !reserved.contains(title.lowercased()) && Double(title) == nil
        if plain { return title }
        return "\"" + title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A title that cannot also be a file name or sit inside `[[…]]`; the description says why.
package struct InvalidTitle: Error, CustomStringConvertible {
    package var description: String
}

package enum NoteTitle {
    /// `name` trimmed, when it can also be a file name and sit inside `[[…]]`.
    package static func valid(_ name: String) throws(InvalidTitle) -> String {
        let title = name.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw InvalidTitle(description: "must not be empty") }
        if let bad = title.unicodeScalars.first(where: { "/\\[]|".unicodeScalars.contains($0) || $0.properties.generalCategory == .control }) {
            throw InvalidTitle(description: "must not contain \(bad.properties.generalCategory == .control ? "control characters" : "'\(bad)'")")
        }
        guard !title.hasPrefix(".") else { throw InvalidTitle(description: "must not start with '.'") }
        guard title.utf8.count + 3 <= 255 else { throw InvalidTitle(description: "too long for a file name") }
        return title
    }
}

/// Where a new note goes, and what it starts with.
package struct NewNote: Sendable {
    package var path: String
    package var title: String

    package init(path: String, title: String) {
        self.path = path
        self.title = title
    }

    /// A note titled `title` in `folder` ("" for the root), in the file Basic Memory would name
    /// (`NoteFileName.forTitle`); nil when the title leaves no usable file name.
    package init?(title: String, folder: String) {
        guard let name = NoteFileName.forTitle(title) else { return nil }
        let folder = folder.split(separator: "/").joined(separator: "/")
        self.init(path: folder.isEmpty ? name : "\(folder)/\(name)", title: title)
    }

    /// The note `target` (written in the note at `source`) would name: `Title` → `Title.md` beside
    /// the source; `folder/name` → `folder/name.md` from the root; `./x`, `../x` from the source.
    package init?(target: String, from source: String) {
        var text = target.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("memory://") { text.removeFirst("memory://".count) }
        if text.lowercased().hasSuffix(".md") { text.removeLast(3) }
        let folder = (source as NSString).deletingLastPathComponent
        var parts: [Substring] = text.hasPrefix("./") || text.hasPrefix("../") ? folder.split(separator: "/") : []
        if !text.contains("/") { parts = folder.split(separator: "/") }
        for part in text.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        guard let last = parts.popLast(), !last.hasPrefix(".") else { return nil }
        self.init(title: String(last), folder: parts.joined(separator: "/"))
    }

    /// The new note's text: its title in the frontmatter and as the first heading.
    package var text: String { "---\ntitle: \(YAMLTitle.scalar(title))\ntype: note\n---\n\n# \(title)\n" }
}
