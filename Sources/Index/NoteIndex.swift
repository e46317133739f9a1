import Foundation
import Notes

/// The search index over one vault: notes, their links, tags and observations, full text, and
/// the change feed. Every call blocks and is safe from any thread; each write is one transaction.
public final class NoteIndex: Sendable {
    /// Where the SQL runs (local SQLite or Turso).
    public let executor: any SQLExecutor

    /// Opens the index, creating or migrating its schema; refuses an index from a newer notebridge.
    public init(executor: any SQLExecutor) throws(SQLError) {
        self.executor = executor
        try Schema.prepare(executor)
    }

    /// The indexed record of the note at `path`, if any.
    public func record(path: String) throws(SQLError) -> NoteRecord? {
        try executor.execute(NoteWriteStatements.selectRecord(path: path)).rows.first.map { NoteRecord(row: $0) }
    }

    /// Every indexed path with the file facts an incremental scan compares against.
    public func stamps() throws(SQLError) -> [String: IndexStamp] {
        let rows = try executor.execute(SQLStatement("SELECT path, size, mtime, checksum, version FROM notes")).rows
        var stamps: [String: IndexStamp] = [:]
        stamps.reserveCapacity(rows.count)
        for row in rows {
            stamps[row.text(0)] = IndexStamp(size: row.integer(1), mtime: row.integer(2), checksum: row.text(3), version: row.integer(4))
        }
        return stamps
    }

    /// Re-indexes one note unconditionally; its version goes up by one.
    @discardableResult
    public func upsert(path: String, parsed: ParsedNote, checksum: String, size: Int64, mtime: Int64,
                       device: String) throws(SQLError) -> NoteRecord {
        let write = NoteWrite(path: path, parsed: parsed, checksum: checksum, size: size, mtime: mtime)
        let results = try executor.transaction(
            NoteWriteStatements.upsert(write, device: device, at: Self.now()) + [NoteWriteStatements.selectRecord(path: path)])
        return try Self.record(in: results.last, path: path)
    }

    /// Removes a note from the index; returns whether it was indexed.
    @discardableResult
    public func remove(path: String, device: String) throws(SQLError) -> Bool {
        let results = try executor.transaction(NoteWriteStatements.remove(path: path, device: device, at: Self.now()))
        return (results.last?.rowsAffected ?? 0) > 0
    }

    /// Writes the note only if the index still holds `baseVersion` of it (0: the note must not exist).
    /// With `baseChecksum`, the swap also requires the index to hold that checksum: a base read from
    /// a mount that lagged behind the index cannot win.
    public func save(path: String, baseVersion: Int64, baseChecksum: String? = nil, parsed: ParsedNote, checksum: String,
                     size: Int64, mtime: Int64, device: String) throws(SQLError) -> SaveOutcome {
        let write = NoteWrite(path: path, parsed: parsed, checksum: checksum, size: size, mtime: mtime)
        let statements = [NoteWriteStatements.versionGuard(path: path, baseVersion: baseVersion, baseChecksum: baseChecksum)]
            + NoteWriteStatements.upsert(write, device: device, at: Self.now())
            + [NoteWriteStatements.clearGuard, NoteWriteStatements.selectRecord(path: path)]
        do throws(SQLError) {
            let results = try executor.transaction(statements)
            return .won(try Self.record(in: results.last, path: path))
        } catch .statement(_, statementIndex: 0) {
            return .lost(current: try record(path: path))
        }
    }

    /// Deletes the note only if the index still holds `baseVersion` of it.
    public func deleteIfVersion(path: String, baseVersion: Int64, device: String) throws(SQLError) -> DeleteOutcome {
        let statements = [NoteWriteStatements.versionGuard(path: path, baseVersion: baseVersion)]
            + NoteWriteStatements.remove(path: path, device: device, at: Self.now())
            + [NoteWriteStatements.clearGuard]
        do throws(SQLError) {
            _ = try executor.transaction(statements)
            return .deleted
        } catch .statement(_, statementIndex: 0) {
            return .lost(current: try record(path: path))
        }
    }

    /// Bulk indexing: writes, stamp updates and removals, `chunkSize` notes per transaction
    /// (over Turso one round trip each). `progress` hears the number of items written so far.
    /// With `onlyIfContentChanged`, notes the index already holds with the same checksum keep
    /// their version.
    public func apply(upserts: [NoteWrite], stampUpdates: [StampUpdate] = [], removals: [String] = [],
                      device: String, chunkSize: Int = 200, onlyIfContentChanged: Bool = false,
                      progress: ((Int) -> Void)? = nil) throws(SQLError) {
        let now = Self.now()
        var pending: [SQLStatement] = []
        // Full-text rows go after the other rows of the notes written (see
        // `NoteWriteStatements.fullText`), removals after them (a removal comes after a write).
        var pendingLast: [SQLStatement] = []
        var pendingItems = 0
        var written = 0
        func flush() throws(SQLError) {
            guard pendingItems > 0 else { return }
            _ = try executor.transaction(pending + pendingLast)
            written += pendingItems
            pending.removeAll(keepingCapacity: true)
            pendingLast.removeAll(keepingCapacity: true)
            pendingItems = 0
            progress?(written)
        }
        let chunk = max(1, chunkSize)
        for write in upserts {
            pending += NoteWriteStatements.rows(write, device: device, at: now, onlyIfContentChanged: onlyIfContentChanged)
            pendingLast += NoteWriteStatements.fullText(write)
            pendingItems += 1
            if pendingItems >= chunk { try flush() }
        }
        for update in stampUpdates {
            pending.append(NoteWriteStatements.stamp(update))
            pendingItems += 1
            if pendingItems >= chunk * 10 { try flush() }
        }
        for path in removals {
            pendingLast += NoteWriteStatements.remove(path: path, device: device, at: now)
            pendingItems += 1
            if pendingItems >= chunk { try flush() }
        }
        try flush()
    }

    /// Re-indexes many notes, `chunkSize` per transaction.
    public func upsertMany(_ writes: [NoteWrite], device: String, chunkSize: Int = 200) throws(SQLError) {
        try apply(upserts: writes, device: device, chunkSize: chunkSize)
    }

    /// Milliseconds since 1970.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    private static func record(in rows: SQLRows?, path: String) throws(SQLError) -> NoteRecord {
        guard let row = rows?.rows.first else {
            throw .statement(message: "note \(path) missing right after writing it", statementIndex: nil)
        }
        return NoteRecord(row: row)
    }
}
