/// A value bound to or read from SQL. The same on SQLite and on libSQL's remote protocol.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public struct SQLStatement: Sendable, Hashable {
    public var sql: String
    public var arguments: [SQLValue]
    public init(_ sql: String, _ arguments: [SQLValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}

public struct SQLRows: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[SQLValue]]
    public var rowsAffected: Int
    public var lastInsertRowID: Int64?
    public init(columns: [String] = [], rows: [[SQLValue]] = [], rowsAffected: Int = 0, lastInsertRowID: Int64? = nil) {
        self.columns = columns
        self.rows = rows
        self.rowsAffected = rowsAffected
        self.lastInsertRowID = lastInsertRowID
    }
}

public enum SQLError: Error, Sendable, Equatable {
    /// The database refused a statement (syntax, constraint, …). `statementIndex` is the failing
    /// step of a batch. The transaction was rolled back.
    case statement(message: String, statementIndex: Int?)
    /// The database could not be reached or answered garbage; says which host, never the token.
    case unavailable(String)
    /// No connection to the index server could be made, so nothing was sent; it may come up later.
    case unreachable(String)
    /// The index was written by a newer notebridge.
    case schemaTooNew(found: Int, supported: Int)
}

extension SQLError: CustomStringConvertible {
    /// The message for people (an error shown to a client reads this, not the enum's spelling).
    public var description: String {
        switch self {
        case .statement(let message, _): "the index refused the change: \(message)"
        case .unavailable(let message), .unreachable(let message): message
        case .schemaTooNew(let found, let supported):
            "the index was written by a newer notebridge (schema \(found); this one reads up to \(supported))"
        }
    }
}

/// Where SQL runs: a local SQLite file or a Turso/libSQL server over HTTP. Calls block the
/// calling thread (the bridge runs them off the JSON-RPC thread, with deadlines).
public protocol SQLExecutor: AnyObject, Sendable {
    /// One statement outside any explicit transaction.
    func execute(_ statement: SQLStatement) throws(SQLError) -> SQLRows

    /// All statements in ONE transaction: BEGIN, each step only if the previous succeeded,
    /// COMMIT; on any failure ROLLBACK and throw `.statement` naming the failing step. Over
    /// Turso this is one HTTP round trip.
    func transaction(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows]

    /// Several independent read statements in one round trip (no transaction).
    func executeMany(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows]

    /// A human description of where the index lives, safe to log (no secrets).
    var location: String { get }
}
