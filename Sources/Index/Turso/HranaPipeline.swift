import JSON

/// Builds Hrana-over-HTTP v2 pipeline bodies and reads their answers. Every pipeline opens a
/// fresh stream (null baton) and ends with `close`, so no baton outlives a call.
enum HranaPipeline {
    static let close: JSONValue = ["type": "close"]

    static func body(_ requests: [JSONValue]) -> [UInt8] {
        JSONValue.object(["baton": .null, "requests": .array(requests)]).serialized()
    }

    static func statement(_ statement: SQLStatement) -> JSONValue {
        ["sql": .string(statement.sql), "args": .array(statement.arguments.map(HranaValue.encode)), "want_rows": true]
    }

    static func execute(_ statement: SQLStatement) -> JSONValue {
        ["type": "execute", "stmt": self.statement(statement)]
    }

    /// One batch running `statements` as a transaction: BEGIN; each statement only if the step
    /// before it succeeded; COMMIT only if the last statement succeeded; ROLLBACK unless COMMIT
    /// succeeded. Step i + 1 is statement i; COMMIT is step n + 1, ROLLBACK step n + 2.
    static func transaction(_ statements: [SQLStatement]) -> JSONValue {
        func ok(_ step: Int) -> JSONValue { ["type": "ok", "step": JSONValue(step)] }
        var steps: [JSONValue] = [["stmt": ["sql": "BEGIN"]]]
        for statement in statements {
            steps.append(["condition": ok(steps.count - 1), "stmt": self.statement(statement)])
        }
        let commit = steps.count
        steps.append(["condition": ok(commit - 1), "stmt": ["sql": "COMMIT"]])
        steps.append(["condition": ["type": "not", "cond": ok(commit)], "stmt": ["sql": "ROLLBACK"]])
        return ["type": "batch", "batch": ["steps": .array(steps)]]
    }

    /// One entry of a pipeline's `results`.
    enum Result {
        case ok(JSONValue)  // the `response` object
        case error(String)  // the error's message
    }

    /// The `results` of a pipeline answer; there must be one per request. Unknown fields (v3's
    /// `base_url`, statistics) are ignored.
    static func results(from body: [UInt8], expecting count: Int) throws(HranaDecodingError) -> [Result] {
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch {
            throw HranaDecodingError("the answer is not JSON (\(error.message))")
        }
        guard let results = json["results"]?.arrayValue else {
            throw HranaDecodingError("the answer has no results")
        }
        guard results.count == count else {
            throw HranaDecodingError("the answer has \(results.count) results for \(count) requests")
        }
        var decoded: [Result] = []
        for result in results {
            switch result["type"]?.stringValue {
            case "ok":
                guard let response = result["response"], response.objectValue != nil else {
                    throw HranaDecodingError("an ok result has no response")
                }
                decoded.append(.ok(response))
            case "error":
                decoded.append(.error(errorMessage(result["error"])))
            default:
                throw HranaDecodingError("a result is neither ok nor error")
            }
        }
        return decoded
    }

    static func errorMessage(_ error: JSONValue?) -> String {
        error?["message"]?.stringValue ?? "the server reported an error without a message"
    }

    /// A StmtResult → rows. Integers may arrive as strings or numbers, `last_insert_rowid` as a
    /// string, a number or null.
    static func rows(from result: JSONValue?) throws(HranaDecodingError) -> SQLRows {
        guard let result, result.objectValue != nil else { throw HranaDecodingError("a statement result is missing") }
        let columns = (result["cols"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" }
        var rows: [[SQLValue]] = []
        for row in result["rows"]?.arrayValue ?? [] {
            guard let values = row.arrayValue else { throw HranaDecodingError("a row is not an array") }
            var decoded: [SQLValue] = []
            decoded.reserveCapacity(values.count)
            for value in values { decoded.append(try HranaValue.decode(value)) }
            rows.append(decoded)
        }
        return SQLRows(columns: columns, rows: rows,
                       rowsAffected: integer(result["affected_row_count"]).flatMap { Int(exactly: $0) } ?? 0,
                       lastInsertRowID: integer(result["last_insert_rowid"]))
    }

    private static func integer(_ json: JSONValue?) -> Int64? {
        if let text = json?.stringValue { return Int64(text) }
        return json?.integerValue
    }

    /// The rows of an `execute` response.
    static func executeRows(_ response: JSONValue) throws(HranaDecodingError) -> SQLRows {
        try rows(from: response["result"])
    }

    /// How a transaction batch ended.
    enum TransactionOutcome: Equatable {
        case committed([SQLRows])
        /// `statementIndex` is nil when BEGIN or COMMIT failed rather than a statement.
        case failed(message: String, statementIndex: Int?)
    }

    /// Reads the batch built by `transaction(_:)` for `count` statements.
    static func transactionOutcome(_ response: JSONValue, statementCount count: Int)
        throws(HranaDecodingError) -> TransactionOutcome
    {
        guard let batch = response["result"],
              let results = batch["step_results"]?.arrayValue, let errors = batch["step_errors"]?.arrayValue,
              results.count == count + 3, errors.count == count + 3
        else { throw HranaDecodingError("the transaction batch result has the wrong shape") }
        if let failed = errors.firstIndex(where: { !$0.isNull }) {
            let message = errorMessage(errors[failed])
            switch failed {
            case 0: return .failed(message: "BEGIN failed: \(message)", statementIndex: nil)
            case count + 1: return .failed(message: "COMMIT failed: \(message)", statementIndex: nil)
            default: return .failed(message: message, statementIndex: failed - 1)
            }
        }
        guard !results[count + 1].isNull else {
            throw HranaDecodingError("the transaction neither committed nor reported an error")
        }
        var rows: [SQLRows] = []
        for result in results.dropFirst().prefix(count) {
            rows.append(try self.rows(from: result))
        }
        return .committed(rows)
    }
}
