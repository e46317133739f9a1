import Testing
import Index

/// A failed save shows the client `String(describing:)` of the error: it must read as a message,
/// not as Swift's spelling of an enum case.
@Suite struct SQLErrorMessageTests {
    @Test func messagesReadAsSentences() {
        #expect(String(describing: SQLError.statement(message: "database or disk is full", statementIndex: nil))
            == "the index refused the change: database or disk is full")
        #expect(String(describing: SQLError.unavailable("index at http://h: server error (HTTP 500)"))
            == "index at http://h: server error (HTTP 500)")
        #expect(!String(describing: SQLError.schemaTooNew(found: 9, supported: 3)).contains("schemaTooNew"))
    }
}
