extension NoteIndex {
    /// Up to `limit` changes with a sequence number above `seq`, oldest first.
    public func changes(after seq: Int64, limit: Int) throws(SQLError) -> [ChangeRecord] {
        let rows = try executor.execute(SQLStatement(
            "SELECT seq, path, op, checksum, version, device, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(seq), .integer(Int64(max(0, limit)))])).rows
        return rows.map { row in
            ChangeRecord(seq: row.integer(0), path: row.text(1), op: ChangeRecord.Operation(rawValue: row.text(2)) ?? .changed,
                         checksum: row.optionalText(3), version: row.integer(4), device: row.text(5), at: row.integer(6))
        }
    }

    /// The newest change's sequence number, 0 when there is none.
    public func latestChangeSeq() throws(SQLError) -> Int64 {
        try executor.execute(SQLStatement("SELECT COALESCE(MAX(seq), 0) FROM changes")).rows.first?.integer(0) ?? 0
    }
}
