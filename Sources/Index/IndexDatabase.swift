import Foundation

/// Opens the index wherever a `DatabaseURL` says it lives.
public enum IndexDatabase {
    /// A local SQLite file, or a libSQL server (Turso, sqld) over Hrana-over-HTTP; opening a remote
    /// database does not contact it, the first statement does. A missing folder for the file is
    /// created only when `createsFolder` (the default location); a path someone typed with a
    /// folder that does not exist is more likely a typo than a wish for a new empty index.
    public static func open(url: DatabaseURL, createsFolder: Bool = true) throws(SQLError) -> any SQLExecutor {
        switch url {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            if !createsFolder, !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
                throw .unavailable("the folder for the index does not exist: \(folder) (create it, or leave the database "
                    + "setting out to use the default index under your cache folder)")
            }
            do { try IndexLocation.prepareFolder(for: path) } catch {
                throw .unavailable("cannot create the folder for the index at \(path): \(error.localizedDescription)")
            }
            return try SQLiteExecutor(path: path)
        case .remote(let database):
            return HranaExecutor(database: database)
        }
    }
}
