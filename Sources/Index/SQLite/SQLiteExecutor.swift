import CSQLite
import Foundation

/// The local index backend: one SQLite connection (WAL, busy timeout, foreign keys) guarded by a
/// lock, with a cache of prepared statements. Several processes may share the file.
public final class SQLiteExecutor: SQLExecutor, @unchecked Sendable {
    // Safe: the connection and the statement cache are used only under `lock`.
    public let location: String
    private let path: String
    private let busyTimeoutMilliseconds: Int32
    private let lock = NSLock()
    private let connection: OpaquePointer
    private var statements = PreparedStatementCache()

    /// Opens (creating if needed) the database at `path`; `":memory:"` gives a private database.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLError) {
        location = "sqlite:\(path)"
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(handle)
            throw .unavailable("cannot open \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(handle, 1)
        // journal_mode needs a lock the busy handler waits for; the other pragmas are per connection.
        let pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
        guard sqlite3_exec(handle, pragmas, nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw .unavailable("cannot configure \(path): \(message)")
        }
        connection = handle
    }

    /// Another connection to the same file, for a long transaction that must not hold up this
    /// executor's callers; nil for an in-memory database, which no other connection can see.
    func secondConnection() throws(SQLError) -> SQLiteExecutor? {
        guard path != ":memory:", !path.isEmpty else { return nil }
        return try SQLiteExecutor(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    deinit {
        statements.finalizeAll()
        sqlite3_close_v2(connection)
    }

    public func execute(_ statement: SQLStatement) throws(SQLError) -> SQLRows {
        lock.lock()
        defer { lock.unlock() }
        do { return try run(statement) } catch { throw .statement(message: error.message, statementIndex: nil) }
    }

    public func transaction(_ batch: [SQLStatement]) throws(SQLError) -> [SQLRows] {
        lock.lock()
        defer { lock.unlock() }
        do {
            _ = try run(SQLStatement("BEGIN IMMEDIATE"))
        } catch {
            throw .statement(message: error.message, statementIndex: nil)
        }
        var results: [SQLRows] = []
        results.reserveCapacity(batch.count)
        for (index, statement) in batch.enumerated() {
            do {
                results.append(try run(statement))
            } catch {
                rollback()
                throw .statement(message: error.message, statementIndex: index)
            }
        }
        do {
            _ = try run(SQLStatement("COMMIT"))
        } catch {
            rollback()
            throw .statement(message: error.message, statementIndex: nil)
        }
        return results
    }

    public func executeMany(_ batch: [SQLStatement]) throws(SQLError) -> [SQLRows] {
        lock.lock()
        defer { lock.unlock() }
        var results: [SQLRows] = []
        results.reserveCapacity(batch.count)
        for (index, statement) in batch.enumerated() {
            do { results.append(try run(statement)) } catch {
                throw .statement(message: error.message, statementIndex: index)
            }
        }
        return results
    }

    private func rollback() {
        // After some errors SQLite has already rolled back; then there is nothing to undo.
        if sqlite3_get_autocommit(connection) == 0 {
            _ = try? run(SQLStatement("ROLLBACK"))
        }
    }

    /// Runs one statement to completion. Caller holds the lock.
    private func run(_ statement: SQLStatement) throws(SQLiteFailure) -> SQLRows {
        let prepared = try statements.statement(for: statement.sql, on: connection)
        defer {
            sqlite3_reset(prepared)
            sqlite3_clear_bindings(prepared)
        }
        try SQLiteBinding.bind(statement.arguments, to: prepared, on: connection)
        let columnCount = sqlite3_column_count(prepared)
        var rows = SQLRows(columns: (0..<columnCount).map { String(cString: sqlite3_column_name(prepared, $0)) })
        while true {
            let status = sqlite3_step(prepared)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw SQLiteFailure(connection) }
            rows.rows.append((0..<columnCount).map { SQLiteBinding.column($0, of: prepared) })
        }
        if sqlite3_stmt_readonly(prepared) == 0 {
            rows.rowsAffected = Int(sqlite3_changes64(connection))
            rows.lastInsertRowID = sqlite3_last_insert_rowid(connection)
        }
        return rows
    }
}

/// The message SQLite gave for the last failure on a connection.
struct SQLiteFailure: Error {
    let message: String
    init(_ connection: OpaquePointer) { message = String(cString: sqlite3_errmsg(connection)) }
    init(message: String) { self.message = message }
}
