import CSQLite

/// Moves `SQLValue`s in and out of prepared statements.
enum SQLiteBinding {
    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ values: [SQLValue], to statement: OpaquePointer, on connection: OpaquePointer) throws(SQLiteFailure) {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard values.count == expected else {
            throw SQLiteFailure(message: "statement takes \(expected) arguments, got \(values.count)")
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null:
                status = sqlite3_bind_null(statement, index)
            case .integer(let number):
                status = sqlite3_bind_int64(statement, index, number)
            case .real(let number):
                status = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                var text = text
                status = text.withUTF8 { bytes in
                    guard bytes.count > 0 else { return sqlite3_bind_text(statement, index, "", 0, nil) }
                    return bytes.withMemoryRebound(to: CChar.self) { characters in
                        sqlite3_bind_text(statement, index, characters.baseAddress, Int32(characters.count), transient)
                    }
                }
            case .blob(let bytes):
                guard !bytes.isEmpty else {
                    status = sqlite3_bind_zeroblob(statement, index, 0)
                    break
                }
                status = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), transient)
                }
            }
            guard status == SQLITE_OK else { throw SQLiteFailure(connection) }
        }
    }

    static func column(_ index: Int32, of statement: OpaquePointer) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }
}
