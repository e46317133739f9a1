import JSON
import LSP
import Notes

/// The problems a note's text shows on its own and against the vault.
package enum NoteDiagnostics {
    /// Frontmatter and syntax problems the parser found; a problem without a place marks line 0.
    package static func parse(_ note: NoteSnapshot, encoding: PositionEncoding) -> [Diagnostic] {
        note.parsed.problems.map { problem in
            Diagnostic(range: problem.span.map { NoteSnapshot.range(of: $0, encoding: encoding) } ?? note.lineRange(0, encoding: encoding),
                       severity: .warning, code: "parse", message: problem.message)
        }
    }

    /// Links that name no note (with the target in `data`, for the create-note code action) and a
    /// permalink another note also has. Two queries: the link targets in one round trip, then the permalink.
    package static func links(_ note: NoteSnapshot, encoding: PositionEncoding, queries: some NoteQueries) throws -> [Diagnostic] {
        let parsed = note.parsed
        let noteLinks = parsed.relations.filter { !$0.namesNonNoteFile }
        let targets = Array(Set(noteLinks.map(\.target)))
        let resolved = Dictionary(uniqueKeysWithValues: zip(targets, try queries.resolve(links: targets, from: note.path)))
        var result = noteLinks.filter { resolved[$0.target] == .some(nil) }.map { relation in
            Diagnostic(range: NoteSnapshot.range(of: relation.span, encoding: encoding), severity: .warning, code: "unresolved-link",
                       message: "No note is named '\(relation.target)'; the code action creates it.",
                       data: ["target": .string(relation.target)])
        }
        let others = try queries.paths(sharingPermalink: parsed.permalink, except: note.path)
        if !others.isEmpty {
            let line = (0..<max(0, parsed.bodyStartLine)).first { note.lines.lineText($0).hasPrefix("permalink:") } ?? 0
            result.append(Diagnostic(range: note.lineRange(line, encoding: encoding), severity: .warning, code: "duplicate-permalink",
                                     message: "The permalink '\(parsed.permalink)' is also used by \(others.joined(separator: ", ")); "
                                         + "links to it reach only one of these notes."))
        }
        return result
    }
}
