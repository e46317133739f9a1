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

    // Which write to use (each records the version's text in the transaction that bumps it):
    // - `save`: the bridge writes text itself (notes/save, merge, restore; origin says which).
    // - `recordObserved`: bytes the bridge found but did not write (an editor's own write after
    //   didSave, watch/inotify, a scan, an open), swapped against the version they replaced.
    // - `deleteIfVersion`: a deletion by the bridge, or observed (origin says which).
    // - `apply`/`upsert`/`remove`: no compare-and-swap; bulk indexing (`notebridge index`, the
    //   first index) and repair only. The text-less `upsert`/`save` are for old callers: their
    //   versions have no text in the history.

    /// Re-indexes one note unconditionally (no compare-and-swap: see the list above); its version
    /// goes up by one and `write`'s bytes become that version's text.
    @discardableResult
    public func upsert(_ write: NoteWrite, origin: VersionOrigin, device: String) throws(SQLError) -> NoteRecord {
        let results = try executor.transaction(
            NoteWriteStatements.upsert(write, origin: origin, device: device, at: Self.now())
                + [NoteWriteStatements.selectRecord(path: write.path)])
        return try Self.record(in: results.last, path: write.path)
    }

    /// Removes a note from the index, keeping its history; returns whether it was indexed.
    @discardableResult
    public func remove(path: String, device: String, origin: VersionOrigin = .scan) throws(SQLError) -> Bool {
        let results = try executor.transaction(NoteWriteStatements.remove(path: path, origin: origin, device: device, at: Self.now()))
        return (results.last?.rowsAffected ?? 0) > 0
    }

    /// Writes the note only if the index still holds `baseVersion` of it (0: the note must not
    /// exist). With `baseChecksum`, the swap also requires the index to hold that checksum: a base
    /// read from a mount that lagged behind the index cannot win. The new version's text is
    /// `write`'s bytes, recorded in the same transaction (over Turso, the same round trip).
    public func save(_ write: NoteWrite, baseVersion: Int64, baseChecksum: String? = nil, origin: VersionOrigin = .save,
                     device: String) throws(SQLError) -> SaveOutcome {
        try swap(write, baseVersion: baseVersion, baseChecksum: baseChecksum, origin: origin, device: device,
                 onlyIfContentChanged: false)
    }

    /// Records bytes found in the note's file that the bridge did not write (an editor's own
    /// write, a watched or scanned change, an open), as a compare-and-swap against the version
    /// they replaced: `baseVersion` with `baseChecksum` (nil only with base 0, a new file).
    /// `.lost(current:)`: the index moved on meanwhile, so the bytes replaced a version their
    /// writer never saw (or the mount lags): nothing is recorded. `.won` with the record still at
    /// `baseVersion`: the index already held these bytes; only the file's size and mtime changed.
    public func recordObserved(_ write: NoteWrite, replacing baseVersion: Int64, baseChecksum: String?,
                               origin: VersionOrigin, device: String) throws(SQLError) -> SaveOutcome {
        try swap(write, baseVersion: baseVersion, baseChecksum: baseChecksum, origin: origin, device: device,
                 onlyIfContentChanged: true)
    }

    private func swap(_ write: NoteWrite, baseVersion: Int64, baseChecksum: String?, origin: VersionOrigin, device: String,
                      onlyIfContentChanged: Bool) throws(SQLError) -> SaveOutcome {
        let statements = [NoteWriteStatements.versionGuard(path: write.path, baseVersion: baseVersion, baseChecksum: baseChecksum)]
            + NoteWriteStatements.upsert(write, origin: origin, device: device, at: Self.now(),
                                         onlyIfContentChanged: onlyIfContentChanged)
            + [NoteWriteStatements.clearGuard, NoteWriteStatements.selectRecord(path: write.path)]
        do throws(SQLError) {
            let results = try executor.transaction(statements)
            return .won(try Self.record(in: results.last, path: write.path))
        } catch .statement(_, statementIndex: 0) {
            return .lost(current: try record(path: write.path))
        }
    }

    /// Deletes the note only if the index still holds `baseVersion` of it; its history stays.
    public func deleteIfVersion(path: String, baseVersion: Int64, device: String,
                                origin: VersionOrigin = .save) throws(SQLError) -> DeleteOutcome {
        let statements = [NoteWriteStatements.versionGuard(path: path, baseVersion: baseVersion)]
            + NoteWriteStatements.remove(path: path, origin: origin, device: device, at: Self.now())
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
    /// their version (and get no history row). Every new version's text is its write's bytes.
    public func apply(upserts: [NoteWrite], stampUpdates: [StampUpdate] = [], removals: [String] = [],
                      device: String, chunkSize: Int = 200, onlyIfContentChanged: Bool = false,
                      origin: VersionOrigin = .scan, progress: ((Int) -> Void)? = nil) throws(SQLError) {
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
            pending += NoteWriteStatements.rows(write, origin: origin, device: device, at: now,
                                               onlyIfContentChanged: onlyIfContentChanged)
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
            pendingLast += NoteWriteStatements.remove(path: path, origin: origin, device: device, at: now)
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
