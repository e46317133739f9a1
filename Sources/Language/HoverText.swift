import Foundation

/// The markdown a hover shows for a note.
package enum HoverText {
    package static let proseLines = 5
    package static let listedObservations = 5

    package static func markdown(note: NoteSummary, overview: NoteOverview) -> String {
        var parts = ["**\(escaped(note.title))** · \(escaped(note.type))  \n`\(note.path)`"]
        if !overview.aliases.isEmpty { parts[0] += "  \nAliases: " + overview.aliases.map(escaped).joined(separator: ", ") }
        let prose = firstLines(of: overview.body, title: note.title)
        if !prose.isEmpty { parts.append(prose.joined(separator: "\n")) }
        if !overview.observations.isEmpty {
            var counts: [String: Int] = [:]
            for item in overview.observations { counts[item.category, default: 0] += 1 }
            let summary = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \(escaped($0.key))" }
            var lines = ["**Observations** (\(overview.observations.count)): " + summary.joined(separator: ", ")]
            lines += overview.observations.prefix(listedObservations).map { "- [\(escaped($0.category))] \(clipped($0.content))" }
            if overview.observations.count > listedObservations { lines.append("- …") }
            parts.append(lines.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The first lines of prose: not blank, not the `# Title` heading, not list items, stopping at the
    /// first section heading after some prose.
    package static func firstLines(of body: String, title: String) -> [String] {
        var lines: [String] = []
        for raw in body.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#"), line.drop(while: { $0 == "#" }).first?.isWhitespace ?? true {
                if !lines.isEmpty { break }
                continue
            }
            if line.hasPrefix("- ") || line.hasPrefix("* ") { continue }
            lines.append(clipped(line))
            if lines.count == proseLines { break }
        }
        return lines
    }

    package static func clipped(_ text: String, to limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// Text safe to show inside markdown emphasis.
    package static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "*_`[]\\<>".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
