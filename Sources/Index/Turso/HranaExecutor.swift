import Foundation
import HTTP
import JSON

/// Runs SQL on a libSQL server (Turso, sqld) over Hrana-over-HTTP v2. Every call is ONE
/// `POST {base}/v2/pipeline` on a fresh stream that the same pipeline closes, so no baton is
/// ever kept (nothing to expire between calls).
public final class HranaExecutor: SQLExecutor {
    /// The server's base URL; never carries the token.
    public let location: String
    private let database: RemoteDatabase
    private let client: HTTPClient
    private let timeout: Double
    private let readAttempts: Int
    private let retryDelay: Double

    /// `timeout` bounds each HTTP request; reads are tried up to `readAttempts` times, with a
    /// delay starting at `retryDelay` seconds and doubling.
    public init(database: RemoteDatabase, connectTimeout: Double = 5, timeout: Double = 30,
                readAttempts: Int = 3, retryDelay: Double = 0.2) {
        self.database = database
        self.location = database.baseURL
        self.client = HTTPClient(connectTimeout: connectTimeout, timeout: timeout)
        self.timeout = timeout
        self.readAttempts = max(1, readAttempts)
        self.retryDelay = retryDelay
    }

    public func execute(_ statement: SQLStatement) throws(SQLError) -> SQLRows {
        let results = try run([HranaPipeline.execute(statement), HranaPipeline.close],
                              reads: Self.isRead(statement))
        return try rows(of: results[0], statementIndex: nil)
    }

    public func executeMany(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows] {
        guard !statements.isEmpty else { return [] }
        let results = try run(statements.map(HranaPipeline.execute) + [HranaPipeline.close],
                              reads: statements.allSatisfy(Self.isRead))
        var all: [SQLRows] = []
        for (index, result) in results.dropLast().enumerated() {
            all.append(try rows(of: result, statementIndex: index))
        }
        return all
    }

    public func transaction(_ statements: [SQLStatement]) throws(SQLError) -> [SQLRows] {
        guard !statements.isEmpty else { return [] }
        let results = try run([HranaPipeline.transaction(statements), HranaPipeline.close], reads: false)
        let outcome: HranaPipeline.TransactionOutcome
        switch results[0] {
        case .error(let message):
            throw .statement(message: message, statementIndex: nil)
        case .ok(let response):
            do { outcome = try HranaPipeline.transactionOutcome(response, statementCount: statements.count) } catch {
                throw unavailable("\(error.message); the transaction may or may not have been applied")
            }
        }
        switch outcome {
        case .committed(let rows): return rows
        case .failed(let message, let index): throw .statement(message: message, statementIndex: index)
        }
    }

    // MARK: - One pipeline, with retries

    /// A statement that only reads, so sending it twice is harmless.
    static func isRead(_ statement: SQLStatement) -> Bool {
        let keyword = statement.sql.drop(while: { $0.isWhitespace || $0 == "(" }).prefix(while: \.isLetter).uppercased()
        return keyword == "SELECT" || keyword == "VALUES"
    }

    private func rows(of result: HranaPipeline.Result, statementIndex: Int?) throws(SQLError) -> SQLRows {
        switch result {
        case .error(let message):
            throw .statement(message: message, statementIndex: statementIndex)
        case .ok(let response):
            do { return try HranaPipeline.executeRows(response) } catch { throw unavailable(error.message) }
        }
    }

    /// Sends the pipeline; reads are retried on network errors, 5xx and garbled answers, writes
    /// only when the request certainly never reached the server.
    private func run(_ requests: [JSONValue], reads: Bool) throws(SQLError) -> [HranaPipeline.Result] {
        let body = HranaPipeline.body(requests)
        var attempt = 1
        while true {
            let failure: AttemptFailure
            switch send(body, expecting: requests.count) {
            case .success(let results): return results
            case .failure(let error): failure = error
            }
            let retry = failure.neverSent || (reads && failure.transient)
            guard retry, attempt < readAttempts else {
                if failure.neverSent { throw .unreachable("index at \(location): \(failure.reason)") }
                let note = !reads && failure.maybeApplied ? "; the change may or may not have been applied" : ""
                throw unavailable(failure.reason + note)
            }
            Thread.sleep(forTimeInterval: retryDelay * Double(1 << (attempt - 1)))
            attempt += 1
        }
    }

    private struct AttemptFailure: Error {
        let reason: String
        /// The request never left this machine (could not connect), so it never ran.
        var neverSent = false
        /// Trying again may help.
        var transient = true
        /// The server may have run the request before the failure (a write's fate is unknown).
        var maybeApplied = true
    }

    private func send(_ body: [UInt8], expecting count: Int) -> Result<[HranaPipeline.Result], AttemptFailure> {
        var headers = [("Content-Type", "application/json")]
        if let token = database.authToken { headers.append(("Authorization", "Bearer \(token)")) }
        let request = HTTPRequest(url: location + "/v2/pipeline", method: "POST", headers: headers, body: body,
                                  timeout: timeout)
        let response: HTTPResponse
        do { response = try client.send(request) } catch {
            return .failure(failure(from: error))
        }
        switch response.status {
        case 200..<300:
            do { return .success(try HranaPipeline.results(from: response.body, expecting: count)) } catch {
                return .failure(AttemptFailure(reason: "the answer is not a Hrana response: \(error.message)"))
            }
        case 401, 403:
            return .failure(AttemptFailure(
                reason: "authentication failed for \(database.host) (HTTP \(response.status); check TURSO_AUTH_TOKEN)",
                transient: false, maybeApplied: false))
        case 500...:
            return .failure(AttemptFailure(reason: "server error (HTTP \(response.status)\(excerpt(response.body)))"))
        default:
            return .failure(AttemptFailure(
                reason: "the server refused the request (HTTP \(response.status)\(excerpt(response.body)))",
                transient: false, maybeApplied: false))
        }
    }

    private func failure(from error: HTTPError) -> AttemptFailure {
        switch error {
        case .failed(_, let reason) where location.hasPrefix("https://") && reason.contains("wrong version number"):
            // What OpenSSL says when the answer to its TLS hello is plain text.
            AttemptFailure(reason: "\(database.host) speaks plain HTTP, not HTTPS (TLS failed: \(reason)); "
                + "add ?tls=0 to a libsql:// URL, or use http://", transient: false, maybeApplied: false)
        case .notSent(_, let reason):
            AttemptFailure(reason: "could not connect (\(reason))", neverSent: true, maybeApplied: false)
        case .failed(_, let reason):
            AttemptFailure(reason: "the request failed (\(reason))")
        case .responseTooLarge(_, let limit):
            AttemptFailure(reason: "the answer exceeded \(limit) bytes", transient: false)
        }
    }

    /// The start of an error body (often text or HTML, sometimes JSON), on one line, with the
    /// token removed should the server echo it.
    private func excerpt(_ body: [UInt8]) -> String {
        var text = String(decoding: body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        if let token = database.authToken, !token.isEmpty { text = text.replacingOccurrences(of: token, with: "…") }
        return text.isEmpty ? "" : ": \(text)"
    }

    private func unavailable(_ reason: String) -> SQLError {
        .unavailable("index at \(location): \(reason)")
    }
}
