/// Questions the observe path asks before recording bytes it found in a note's file.
extension NoteIndex {
    /// The newest kept version of the note at `path` whose bytes had `checksum`; nil when the
    /// history holds none. A file showing such a version is a mount lagging (or an old copy put
    /// back), not a new write.
    public func knownVersion(path: String, checksum: String) throws(SQLError) -> NoteVersionInfo? {
        try executor.execute(SQLStatement(
            "SELECT \(NoteVersionInfo.columns) FROM note_versions WHERE path = ? AND checksum = ? ORDER BY version DESC LIMIT 1",
            [.text(path), .text(checksum)])).rows.first.map { NoteVersionInfo(row: $0) }
    }

    /// The history row of the version the index holds for `path` now (when it was recorded, by
    /// whom, how); nil when the note is not indexed or that version has no history row.
    public func currentVersionInfo(path: String) throws(SQLError) -> NoteVersionInfo? {
        try executor.execute(SQLStatement("""
            SELECT \(NoteVersionInfo.columns(prefix: "v.")) FROM notes n
            JOIN note_versions v ON v.path = n.path AND v.version = n.version WHERE n.path = ?
            """, [.text(path)])).rows.first.map { NoteVersionInfo(row: $0) }
    }
}
