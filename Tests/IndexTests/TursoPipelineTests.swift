import JSON
import Testing
@testable import Index

@Suite struct TursoPipelineTests {
    func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    @Test func valuesAreWrittenAsTheSpecSays() throws {
        #expect(HranaValue.encode(.integer(9_007_199_254_740_993)) == ["type": "integer", "value": "9007199254740993"])
        #expect(HranaValue.encode(.real(1.5)) == ["type": "float", "value": 1.5])
        #expect(HranaValue.encode(.text("ü")) == ["type": "text", "value": "ü"])
        #expect(HranaValue.encode(.blob([0, 1, 2, 3])) == ["type": "blob", "base64": "AAECAw=="])
        #expect(HranaValue.encode(.null) == ["type": "null"])
    }

    @Test func valuesAreReadLeniently() throws {
        #expect(try HranaValue.decode(json(#"{"type":"integer","value":"-9223372036854775808"}"#)) == .integer(.min))
        #expect(try HranaValue.decode(json(#"{"type":"integer","value":42}"#)) == .integer(42))
        #expect(try HranaValue.decode(json(#"{"type":"float","value":2}"#)) == .real(2))
        #expect(try HranaValue.decode(json(#"{"type":"blob","base64":"AAECAw"}"#)) == .blob([0, 1, 2, 3]))
        #expect(try HranaValue.decode(json(#"{"type":"blob","base64":"AAECAw=="}"#)) == .blob([0, 1, 2, 3]))
        #expect(try HranaValue.decode(json(#"{"type":"blob","base64":""}"#)) == .blob([]))
        for bad in [#"{"type":"integer","value":"12x"}"#, #"{"type":"blob","base64":"A"}"#,
                    #"{"type":"blob","base64":"%%%%"}"#, #"{"type":"text"}"#, #"{"type":"decimal","value":"1"}"#, "{}"] {
            #expect(throws: HranaDecodingError.self) { try HranaValue.decode(json(bad)) }
        }
    }

    @Test func base64RoundTripsEveryLength() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64.encode(bytes)
            #expect(Base64.decode(text) == bytes)
            #expect(Base64.decode(String(text.prefix(while: { $0 != "=" }))) == bytes)
        }
    }

    @Test func theTransactionBatchChainsConditions() throws {
        let batch = HranaPipeline.transaction([SQLStatement("INSERT INTO t VALUES (?)", [.integer(1)]),
                                               SQLStatement("DELETE FROM t")])
        let steps = try #require(batch["batch"]?["steps"]?.arrayValue)
        #expect(steps.map { $0["stmt"]?["sql"]?.stringValue } == ["BEGIN", "INSERT INTO t VALUES (?)", "DELETE FROM t", "COMMIT", "ROLLBACK"])
        #expect(steps[0]["condition"] == nil)
        #expect(steps[1]["condition"] == ["type": "ok", "step": 0])
        #expect(steps[2]["condition"] == ["type": "ok", "step": 1])
        #expect(steps[3]["condition"] == ["type": "ok", "step": 2])
        #expect(steps[4]["condition"] == ["type": "not", "cond": ["type": "ok", "step": 3]])
        #expect(steps[1]["stmt"]?["args"] == [["type": "integer", "value": "1"]])
    }

    @Test func resultsToleratesV3FieldsNumbersAndBaseURL() throws {
        let body = #"""
        {"baton":null,"base_url":"https://elsewhere.example","results":[
          {"type":"ok","response":{"type":"execute","result":{"cols":[{"name":"a","decltype":"INTEGER"},{"name":null}],
            "rows":[[{"type":"integer","value":7},{"type":"blob","base64":"AAE"}]],
            "affected_row_count":"3","last_insert_rowid":12,"rows_read":1,"rows_written":0,"query_duration_ms":0.1,
            "replication_index":"5"}}},
          {"type":"error","error":{"message":"SQLite error: boom","code":"SQLITE_ERROR"}},
          {"type":"ok","response":{"type":"close"}}]}
        """#
        let results = try HranaPipeline.results(from: Array(body.utf8), expecting: 3)
        guard case .ok(let response) = results[0], case .error(let message) = results[1] else {
            Issue.record("unexpected results \(results)")
            return
        }
        let rows = try HranaPipeline.executeRows(response)
        #expect(rows == SQLRows(columns: ["a", ""], rows: [[.integer(7), .blob([0, 1])]], rowsAffected: 3, lastInsertRowID: 12))
        #expect(message == "SQLite error: boom")
    }

    @Test func lastInsertRowIDMayBeAStringOrNull() throws {
        let asString = try HranaPipeline.rows(from: json(#"{"cols":[],"rows":[],"affected_row_count":1,"last_insert_rowid":"9"}"#))
        let asNull = try HranaPipeline.rows(from: json(#"{"cols":[],"rows":[],"affected_row_count":0,"last_insert_rowid":null}"#))
        #expect(asString.lastInsertRowID == 9)
        #expect(asNull.lastInsertRowID == nil)
    }

    @Test func malformedAnswersAreDecodingErrors() {
        for body in ["<html>", #"{"results":[]}"#, #"{"baton":null}"#, #"{"results":[{"type":"maybe"}]}"#,
                     #"{"results":[{"type":"ok"}]}"#] {
            #expect(throws: HranaDecodingError.self) { try HranaPipeline.results(from: Array(body.utf8), expecting: 1) }
        }
    }

    @Test func transactionOutcomeNamesTheFailingStatement() throws {
        let failedSecond = try json(#"""
        {"type":"batch","result":{"step_results":[{},{"cols":[],"rows":[]},null,null,{}],
         "step_errors":[null,null,{"message":"UNIQUE constraint failed: t.x"},null,null]}}
        """#)
        #expect(try HranaPipeline.transactionOutcome(failedSecond, statementCount: 2)
            == .failed(message: "UNIQUE constraint failed: t.x", statementIndex: 1))
        let commitFailed = try json(#"""
        {"type":"batch","result":{"step_results":[{},{},null,{}],"step_errors":[null,null,{"message":"busy"},null]}}
        """#)
        #expect(try HranaPipeline.transactionOutcome(commitFailed, statementCount: 1)
            == .failed(message: "COMMIT failed: busy", statementIndex: nil))
        #expect(throws: HranaDecodingError.self) {
            try HranaPipeline.transactionOutcome(json(#"{"result":{"step_results":[],"step_errors":[]}}"#), statementCount: 1)
        }
    }
}
