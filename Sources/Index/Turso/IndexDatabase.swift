/// Opens the index wherever a `DatabaseURL` says it lives.
public enum IndexDatabase {
    /// A local SQLite file (its folder created if missing), or a libSQL server (Turso, sqld) over
    /// Hrana-over-HTTP; opening a remote database does not contact it, the first statement does.
    public static func open(url: DatabaseURL) throws(SQLError) -> any SQLExecutor {
        switch url {
        case .sqlite(let path):
            do { try IndexLocation.prepareFolder(for: path) } catch {
                throw .unavailable("cannot create the folder for the index at \(path): \(error.localizedDescription)")
            }
            return try SQLiteExecutor(path: path)
        case .remote(let database):
            return HranaExecutor(database: database)
        }
    }
}
