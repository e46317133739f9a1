import Foundation
import Support

/// The first index of a vault into an empty local index: one transaction on a connection of its
/// own. The secondary indexes of the note tables are dropped at its start and rebuilt before its
/// commit (sorting once costs far less than updating them row by row), and no note needs its old
/// rows cleared first. A crash loses the load and leaves the index as it was.
///
/// Readers on other connections see the index as it was until the commit; writers wait for it,
/// so the indexer commits once the load has been open for `budget` and writes the rest as usual.
package final class ColdLoad: Sendable {
    /// How long a load keeps other writers waiting (before rebuilding the indexes); well under
    /// their busy timeout.
    package static let defaultBudget: Duration = .seconds(3)

    private let connection: SQLiteExecutor
    private let budget: Duration
    private let started = ContinuousClock.now
    /// The CREATE statements of the dropped indexes; nil once committed or rolled back. Held while
    /// the load's statements run, so a commit or rollback never cuts into a write.
    private let dropped: Locked<[String]?>

    private init(connection: SQLiteExecutor, budget: Duration, dropped: [String]) {
        self.connection = connection
        self.budget = budget
        self.dropped = Locked(dropped)
    }

    deinit { rollback() }

    /// Opens the load's transaction, or nil when the index is not a local SQLite file, already
    /// holds notes (maybe written by another process meanwhile), or is busy.
    package static func begin(on executor: any SQLExecutor, budget: Duration = defaultBudget) -> ColdLoad? {
        guard let local = executor as? SQLiteExecutor, let connection = try? local.secondConnection() else { return nil }
        do {
            _ = try connection.execute(SQLStatement("BEGIN IMMEDIATE"))
            let empty = try connection.execute(SQLStatement("SELECT NOT EXISTS (SELECT 1 FROM notes)")).rows
            guard empty == [[.integer(1)]] else {
                _ = try? connection.execute(SQLStatement("ROLLBACK"))
                return nil
            }
            let indexes = try connection.execute(SQLStatement("""
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                AND tbl_name IN ('notes', 'observations', 'links', 'tags', 'note_aliases', 'note_versions') ORDER BY name
                """)).rows
            _ = try connection.executeMany(indexes.map { SQLStatement("DROP INDEX \"\($0.text(0))\"") })
            return ColdLoad(connection: connection, budget: budget, dropped: indexes.map { $0.text(1) })
        } catch {
            _ = try? connection.execute(SQLStatement("ROLLBACK"))
            return nil
        }
    }

    /// Whether the transaction is still open (not committed or rolled back).
    package var isOpen: Bool { dropped.value != nil }

    /// Whether the load has kept other writers waiting long enough.
    package var isOverBudget: Bool { ContinuousClock.now - started >= budget }

    /// Writes notes that are not in the index, each with its first version's text (origin
    /// `index`). Full-text rows go last (see `NoteWriteStatements.fullText`).
    package func write(_ writes: [NoteWrite], device: String) throws(SQLError) {
        let now = NoteIndex.now()
        var statements: [SQLStatement] = []
        var fullText: [SQLStatement] = []
        for write in writes {
            statements += NoteWriteStatements.rows(write, origin: .index, device: device, at: now,
                                                   onlyIfContentChanged: true, knownAbsent: true)
            fullText += NoteWriteStatements.fullText(write, knownAbsent: true)
        }
        try dropped.withLock { (dropped) throws(SQLError) in
            guard dropped != nil else { throw .statement(message: "the cold load is already finished", statementIndex: nil) }
            do throws(SQLError) {
                _ = try connection.executeMany(statements + fullText)
            } catch {
                rollback(&dropped)
                throw error
            }
        }
    }

    /// Rebuilds the dropped indexes and commits.
    package func commit() throws(SQLError) {
        try dropped.withLock { (dropped) throws(SQLError) in
            guard let indexes = dropped else { return }
            do throws(SQLError) {
                _ = try connection.executeMany(indexes.map { SQLStatement($0) } + [SQLStatement("COMMIT")])
                dropped = nil
            } catch {
                rollback(&dropped)
                throw error
            }
        }
    }

    /// Undoes the load, if still open.
    package func rollback() {
        dropped.withLock { rollback(&$0) }
    }

    /// Rolls back if still open; called with `dropped` locked.
    private func rollback(_ dropped: inout [String]?) {
        guard dropped != nil else { return }
        dropped = nil
        _ = try? connection.execute(SQLStatement("ROLLBACK"))
    }
}
