import Foundation
import JSON

/// Fills the alias table of an index written before it existed. Such an index kept a note's
/// `aliases` frontmatter in its metadata JSON as the stored form of any other value: a YAML
/// list as JSON array text, a string as written (maybe comma-separated, maybe JSON array text).
enum AliasBackfill {
    /// Rows per INSERT; keeps the parameter count far below SQLite's limit.
    private static let rowsPerInsert = 100

    /// The inserts that give every indexed note with aliases in its metadata its alias rows.
    @Sendable
    static func statements(_ executor: any SQLExecutor) throws(SQLError) -> [SQLStatement] {
        let notes = try executor.execute(SQLStatement(
            #"SELECT id, title, metadata FROM notes WHERE metadata LIKE '%"aliases"%'"#)).rows
        var rows: [[SQLValue]] = []
        for note in notes {
            let stored = (try? JSONValue.parse(note.text(2)))?["aliases"]?.stringValue ?? ""
            for alias in LinkKeys.aliasKeys(aliases(stored), title: note.text(1)) {
                rows.append([.integer(note.integer(0)), .text(alias.alias), .text(alias.key)])
            }
        }
        return stride(from: 0, to: rows.count, by: rowsPerInsert).map { start in
            let chunk = rows[start..<min(start + rowsPerInsert, rows.count)]
            return SQLStatement("INSERT OR IGNORE INTO note_aliases(note_id, alias, alias_key) VALUES "
                                    + Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", "),
                                chunk.flatMap { $0 })
        }
    }

    /// The aliases in one stored metadata value, read the way the note parser reads `aliases`.
    static func aliases(_ stored: String) -> [String] {
        let items: [String]
        if let array = (try? JSONValue.parse(stored))?.arrayValue {
            items = array.compactMap(\.stringValue)
        } else {
            items = stored.split(separator: ",").map(String.init)
        }
        return items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
