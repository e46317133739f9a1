import CSQLite

/// Prepared statements by SQL text, so repeated statements skip parsing. Not thread-safe: the
/// executor's lock guards it.
struct PreparedStatementCache {
    private var statements: [String: OpaquePointer] = [:]
    private let capacity = 256

    mutating func statement(for sql: String, on connection: OpaquePointer) throws(SQLiteFailure) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var prepared: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let status = sql.withCString { text in
            let result = sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, &tail)
            if result == SQLITE_OK, let tail, tail.pointee != 0,
               !String(cString: tail).allSatisfy(\.isWhitespace) {
                return SQLITE_MISUSE
            }
            return result
        }
        guard status == SQLITE_OK, let prepared else {
            let failure = status == SQLITE_MISUSE
                ? SQLiteFailure(message: "one SQL statement per SQLStatement")
                : SQLiteFailure(connection)
            sqlite3_finalize(prepared)
            throw failure
        }
        if statements.count >= capacity { finalizeAll() }
        statements[sql] = prepared
        return prepared
    }

    mutating func finalizeAll() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
    }
}
