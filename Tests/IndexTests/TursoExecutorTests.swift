import Foundation
import JSON
import Testing
@testable import Index

/// HranaExecutor against the project's Hrana test server (a real HTTP server speaking the
/// protocol over SQLite), including injected faults.
@Suite struct TursoExecutorTests {
    func executor(_ server: TursoTestServer, token: String? = nil, timeout: Double = 10) -> HranaExecutor {
        HranaExecutor(database: server.database(token: token), connectTimeout: 2, timeout: timeout,
                      readAttempts: 3, retryDelay: 0.01)
    }

    /// The message of the `.unavailable` error `body` throws; nil (and a recorded issue) otherwise.
    func unavailableMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("expected .unavailable, got success")
        } catch SQLError.unavailable(let message) {
            return message
        } catch SQLError.unreachable(let message) {
            Issue.record("expected .unavailable, got .unreachable(\(message))")
        } catch {
            Issue.record("expected .unavailable, got \(error)")
        }
        return nil
    }

    func makeTable(_ db: HranaExecutor) throws {
        _ = try db.execute(SQLStatement("CREATE TABLE t (id INTEGER PRIMARY KEY, x UNIQUE)"))
    }

    let inserts = [SQLStatement("INSERT INTO t (x) VALUES (?)", [.text("a")]),
                   SQLStatement("INSERT INTO t (x) VALUES (?)", [.text("b")]),
                   SQLStatement("INSERT INTO t (x) VALUES (?)", [.text("c")])]

    @Test func executeRoundTripsEveryValueType() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        _ = try db.execute(SQLStatement("CREATE TABLE v (i, r, t, b, n)"))
        let values: [SQLValue] = [.integer(.max), .real(-2.5), .text("héllo ✓"), .blob([0, 1, 0xFE, 0xFF]), .null]
        let insert = try db.execute(SQLStatement("INSERT INTO v VALUES (?, ?, ?, ?, ?)", values))
        #expect(insert.rowsAffected == 1 && insert.lastInsertRowID == 1)
        let read = try db.execute(SQLStatement("SELECT i, r, t, b, n FROM v WHERE i = ?", [.integer(.max)]))
        #expect(read.columns == ["i", "r", "t", "b", "n"])
        #expect(read.rows == [values])
        #expect(!db.location.contains(server.token))
    }

    @Test func aTransactionIsOneHTTPRequestAndCommitsEverything() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        try server.knob("reset-stats", [:])
        let results = try db.transaction(inserts)
        #expect(results.map(\.lastInsertRowID) == [1, 2, 3])
        #expect(try server.pipelineRequests() == 1)
        let stats = try server.knob("stats")
        #expect(stats["requests"] == ["batch": 1, "close": 1])
        #expect(stats["open_streams"] == 0)
        #expect(try server.count("t") == 3)
    }

    @Test func aFailingStatementRollsBackTheWholeTransactionAndIsNamed() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        let clash = [inserts[0], SQLStatement("INSERT INTO t (x) VALUES ('a')"), inserts[2]]
        let error = #expect(throws: SQLError.self) { try db.transaction(clash) }
        guard case .statement(let message, let index)? = error else {
            Issue.record("expected a statement error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("UNIQUE constraint failed"))
        #expect(index == 1)
        #expect(try server.count("t") == 0)
        _ = try db.transaction([inserts[0]])  // the connection was left clean
        #expect(try server.count("t") == 1)
    }

    @Test func sqlErrorsAreStatementErrors() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        #expect(throws: SQLError.statement(message: "SQLite error: no such table: missing", statementIndex: nil)) {
            try db.execute(SQLStatement("SELECT * FROM missing"))
        }
        let many = [SQLStatement("SELECT 1"), SQLStatement("SELECT nope"), SQLStatement("SELECT 3")]
        #expect(throws: SQLError.statement(message: "SQLite error: no such column: nope", statementIndex: 1)) {
            try db.executeMany(many)
        }
    }

    @Test func executeManyIsOneRequestWithResultsInOrder() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        _ = try db.transaction(inserts)
        try server.knob("reset-stats", [:])
        let results = try db.executeMany([SQLStatement("SELECT x FROM t ORDER BY id"), SQLStatement("SELECT count(*) FROM t")])
        #expect(results.map(\.rows) == [[[.text("a")], [.text("b")], [.text("c")]], [[.integer(3)]]])
        #expect(try server.pipelineRequests() == 1)
    }

    @Test func fullTextSearchWorks() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        _ = try db.transaction([
            SQLStatement("CREATE VIRTUAL TABLE notes USING fts5(title, body)"),
            SQLStatement("INSERT INTO notes VALUES ('Coffee', 'moka pot coffee')"),
            SQLStatement("INSERT INTO notes VALUES ('Tea', 'green tea')"),
        ])
        let hits = try db.execute(SQLStatement("SELECT title FROM notes WHERE notes MATCH ? ORDER BY rank", [.text("coffee")]))
        #expect(hits.rows == [[.text("Coffee")]])
    }

    @Test func aWrongTokenIsAnAuthenticationErrorThatNeverShowsATokenAndIsNotRetried() throws {
        let server = try TursoTestServer()
        let db = executor(server, token: "wrong-secret-123")
        let message = unavailableMessage { _ = try db.execute(SQLStatement("SELECT 1")) }
        #expect(message?.contains("authentication failed for \(server.host)") == true)
        #expect(message?.contains("TURSO_AUTH_TOKEN") == true)
        #expect(message?.contains("wrong-secret-123") == false)
        #expect(message?.contains(server.token) == false)
        #expect(try server.pipelineRequests() == 1)
    }

    /// A server that cannot be reached is `.unreachable` (the server retries those at start-up).
    func unreachableMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("expected .unreachable, got success")
        } catch SQLError.unreachable(let message) {
            return message
        } catch {
            Issue.record("expected .unreachable, got \(error)")
        }
        return nil
    }

    @Test func aServerThatIsDownIsUnreachableNamingTheHost() throws {
        let server = try TursoTestServer()
        server.stop()
        let db = executor(server)
        let read = unreachableMessage { _ = try db.execute(SQLStatement("SELECT 1")) }
        let write = unreachableMessage { _ = try db.transaction([SQLStatement("CREATE TABLE x (a)")]) }
        for message in [read, write] {
            #expect(message?.hasPrefix("index at http://\(server.host): ") == true, "\(message ?? "")")
            #expect(message?.contains(server.token) == false)
        }
        #expect(write?.contains("may or may not") == false)  // it certainly never ran
    }

    @Test func http500FailsATransactionWithoutRetryingButARetriedReadSucceeds() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        try server.knob("fault", ["mode": "http500", "count": 1])
        try server.knob("reset-stats", [:])
        let message = unavailableMessage { _ = try db.transaction(inserts) }
        #expect(message?.contains("HTTP 500") == true)
        #expect(try server.pipelineRequests() == 1)
        #expect(try server.count("t") == 0)

        try server.knob("fault", ["mode": "http500", "count": 2])
        try server.knob("reset-stats", [:])
        #expect(try db.execute(SQLStatement("SELECT 42")).rows == [[.integer(42)]])
        #expect(try server.pipelineRequests() == 3)
    }

    @Test func garbageAndDroppedAnswersAreClearErrorsAndCommitNothing() throws {
        let server = try TursoTestServer()
        try makeTable(executor(server))
        for (mode, expected) in [("garbage", "not a Hrana response"), ("drop", "index at http://")] {
            try server.knob("fault", ["mode": .string(mode), "count": 1])
            try server.knob("reset-stats", [:])
            // A new executor, so a new connection: libcurl itself re-sends a request once when a
            // REUSED keep-alive connection dies before any answer byte (see the report).
            let db = executor(server)
            let message = unavailableMessage { _ = try db.transaction(inserts) }
            #expect(message?.contains(expected) == true, "\(mode): \(message ?? "")")
            #expect(message?.contains("may or may not have been applied") == true)
            #expect(try server.pipelineRequests() == 1, "\(mode) must not be retried")
        }
        #expect(try server.count("t") == 0)
    }

    @Test func aTruncatedAnswerIsNotRetriedSoTheTransactionAppliesOnce() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        try server.knob("fault", ["mode": "truncated", "count": 1])
        try server.knob("reset-stats", [:])
        let message = unavailableMessage { _ = try db.transaction(inserts) }
        #expect(message?.contains("may or may not have been applied") == true)
        #expect(try server.pipelineRequests() == 1)
        #expect(try server.count("t") == 3)  // all of it, once: never a part
    }

    @Test func aTimeoutAfterSendingIsNotRetriedForATransaction() throws {
        let server = try TursoTestServer()
        let db = executor(server, timeout: 0.5)
        try makeTable(db)
        try server.knob("latency", ["ms": 1500])
        try server.knob("reset-stats", [:])
        let message = unavailableMessage { _ = try db.transaction(inserts) }
        #expect(message?.hasPrefix("index at http://\(server.host): ") == true)
        #expect(try server.pipelineRequests() == 1)
    }

    @Test func expiredStreamsDoNotMatterBecauseEveryCallUsesAFreshClosedStream() throws {
        let server = try TursoTestServer()
        let db = executor(server)
        try makeTable(db)
        try server.knob("stream-expiry", ["seconds": 0.05])
        _ = try db.transaction([inserts[0]])
        try server.knob("expire-streams", [:])
        _ = try db.transaction([inserts[1]])
        #expect(try db.execute(SQLStatement("SELECT count(*) FROM t")).rows == [[.integer(2)]])
        let stats = try server.knob("stats")
        #expect(stats["open_streams"] == 0 && stats["protocol_errors"] == 0)
    }
}
