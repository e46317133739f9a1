import Foundation
import Testing
@testable import Index

@Suite struct SQLiteExecutorTests {
    @Test(arguments: Backends.all)
    func everyValueKindRoundTrips(backend: Backend) throws {
        let executor = try backend.fresh()
        _ = try executor.execute(SQLStatement("CREATE TABLE t(v)"))
        let values: [SQLValue] = [.null, .integer(Int64.min), .integer(42), .real(1.5), .text(""), .text("naïve 🌍 a\u{0}b"),
                                  .blob([]), .blob([0, 255, 7])]
        for value in values {
            _ = try executor.execute(SQLStatement("INSERT INTO t(v) VALUES (?)", [value]))
        }
        let rows = try executor.execute(SQLStatement("SELECT v FROM t ORDER BY rowid")).rows.map { $0[0] }
        #expect(rows == values)
    }

    @Test(arguments: Backends.all)
    func transactionRollsBackAndNamesTheFailingStep(backend: Backend) throws {
        let executor = try backend.fresh()
        _ = try executor.execute(SQLStatement("CREATE TABLE t(v INTEGER NOT NULL)"))
        let error = #expect(throws: SQLError.self) {
            _ = try executor.transaction([
                SQLStatement("INSERT INTO t VALUES (1)"),
                SQLStatement("INSERT INTO t VALUES (NULL)"),
                SQLStatement("INSERT INTO t VALUES (3)"),
            ])
        }
        guard case .statement(let message, let index)? = error else {
            Issue.record("expected a statement error, got \(String(describing: error))")
            return
        }
        #expect(index == 1)
        #expect(message.contains("NOT NULL"))
        #expect(try executor.execute(SQLStatement("SELECT count(*) FROM t")).rows == [[.integer(0)]])
        let results = try executor.transaction([SQLStatement("INSERT INTO t VALUES (5)"), SQLStatement("SELECT v FROM t")])
        #expect(results[0].rowsAffected == 1)
        #expect(results[1].rows == [[.integer(5)]])
    }

    @Test(arguments: Backends.all)
    func executeManyAnswersEachStatement(backend: Backend) throws {
        let executor = try backend.fresh()
        let results = try executor.executeMany([SQLStatement("SELECT 1 AS a"), SQLStatement("SELECT ?, ?", [.text("x"), .integer(2)])])
        #expect(results.map(\.rows) == [[[.integer(1)]], [[.text("x"), .integer(2)]]])
        #expect(results[0].columns == ["a"])
    }

    @Test(arguments: Backends.all)
    func badStatementsThrowInsteadOfCrashing(backend: Backend) throws {
        let executor = try backend.fresh()
        #expect(throws: SQLError.self) { _ = try executor.execute(SQLStatement("SELEC nonsense")) }
        #expect(throws: SQLError.self) { _ = try executor.execute(SQLStatement("SELECT ?", [])) }
        #expect(throws: SQLError.self) { _ = try executor.execute(SQLStatement("SELECT 1", [.integer(1)])) }
        // Still usable afterwards, and not stuck inside a transaction.
        #expect(try executor.transaction([SQLStatement("SELECT 1")]).count == 1)
    }

    @Test func sqliteUsesWALAndForeignKeys() throws {
        let executor = try Backend.sqlite.fresh()
        #expect(try executor.execute(SQLStatement("PRAGMA journal_mode")).rows == [[.text("wal")]])
        #expect(try executor.execute(SQLStatement("PRAGMA foreign_keys")).rows == [[.integer(1)]])
        #expect(throws: SQLError.self) { _ = try executor.execute(SQLStatement("SELECT 1; SELECT 2")) }
    }

    @Test func unopenableFileIsUnavailable() throws {
        #expect(throws: SQLError.self) { _ = try SQLiteExecutor(path: "/nonexistent-folder/x/index.sqlite") }
        let garbage = TemporaryFolder.shared.path + "/garbage.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let error = #expect(throws: SQLError.self) { _ = try SQLiteExecutor(path: garbage) }
        guard case .unavailable(let message)? = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(message.contains("not a database"))
    }

    @Test func twoConnectionsWritingOneFileFromTwoThreadsLoseNothing() async throws {
        let name = Backend.uniqueName()
        let first = try Backend.sqlite.make(name)
        let second = try Backend.sqlite.make(name)
        _ = try first.execute(SQLStatement("CREATE TABLE t(v INTEGER)"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for executor in [first, second] {
                group.addTask {
                    for value in 0..<200 {
                        _ = try executor.transaction([
                            SQLStatement("INSERT INTO t VALUES (?)", [.integer(Int64(value))]),
                            SQLStatement("SELECT count(*) FROM t"),
                        ])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try first.execute(SQLStatement("SELECT count(*) FROM t")).rows == [[.integer(400)]])
    }
}
