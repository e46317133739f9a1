import Support
import Testing
import JSON
@testable import JSONRPC

private let didChange: JSONValue = [
    "textDocument": ["uri": "file:///notes/a.md", "version": 3.0],
    "contentChanges": [["text": "whole"], ["range": ["start": ["line": 1, "character": "x"]], "text": 5]],
    "options": nil,
    "flag": true,
    "ratio": 0.5,
]

/// The -32602 message `body` throws, or nil if it throws nothing.
private func message(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as ResponseError {
        #expect(error.code == -32602)
        return error.message
    } catch {
        Issue.record("unexpected \(error)")
        return nil
    }
}

@Test func typedAccessReadsNestedValues() throws {
    let params = Params(didChange)
    let document = try params.object("textDocument")
    #expect(try document.string("uri") == "file:///notes/a.md")
    #expect(try document.integer("version") == 3)
    #expect(try params.bool("flag"))
    #expect(try params.double("ratio") == 0.5)
    #expect(try params.array("contentChanges").first?.string("text") == "whole")
    #expect(try params.optionalObject("options") == nil)
    #expect(try params.optionalString("missing") == nil)
    #expect(params.value("flag") == true)
    #expect(params.value("options") == nil)
    #expect(try Params(["tags": ["a", "b"]]).array("tags").map { try $0.asString() } == ["a", "b"])
}

@Test func errorsNameTheFieldPath() {
    let params = Params(didChange)
    #expect(message { _ = try params.object("textDocument").integer("uri") } == "textDocument.uri: expected integer, got string")
    #expect(message { _ = try params.object("textDocument").string("version") } == "textDocument.version: expected string, got number")
    #expect(message { _ = try params.object("textDocument").string("languageId") } == "textDocument.languageId: missing; expected string")
    #expect(message { _ = try params.array("contentChanges")[1].string("text") } == "contentChanges[1].text: expected string, got number")
    #expect(message {
        _ = try params.array("contentChanges")[1].object("range").object("start").integer("character")
    } == "contentChanges[1].range.start.character: expected integer, got string")
    #expect(message { _ = try params.integer("ratio") } == "ratio: expected integer, got non-integral number")
    #expect(message { _ = try params.object("flag") } == "flag: expected object, got boolean")
    #expect(message { _ = try params.optionalArray("textDocument") } == "textDocument: expected array, got object")
    #expect(message { _ = try params.object("options") } == "options: missing; expected object")
}

@Test func paramsThatAreNotAnObjectAreNamedAsSuch() {
    #expect(message { _ = try Params([1, 2]).string("uri") } == "params: expected object, got array")
    #expect(message { _ = try Params(nil).string("uri") } == "uri: missing; expected string")
    #expect(message { _ = try Params(["position": [1]]).object("position").integer("line") }
        == "position: expected object, got array")
}

@Test func requestIDsConvertToAndFromJSON() {
    #expect(RequestID(json: 7) == .integer(7))
    #expect(RequestID(json: 7.0) == .integer(7))
    #expect(RequestID(json: "abc") == .string("abc"))
    #expect(RequestID(json: 7.5) == nil)
    #expect(RequestID(json: nil) == nil)
    #expect(RequestID(json: [1]) == nil)
    #expect(RequestID.integer(9_007_199_254_740_993).json == .integer(9_007_199_254_740_993))
    #expect(RequestID.string("x").json == "x")
}

@Test func responseErrorsHaveTheLSPCodes() {
    #expect(ResponseError.parseError("p").code == -32700)
    #expect(ResponseError.invalidRequest("r").code == -32600)
    #expect(ResponseError.methodNotFound("a/b") == ResponseError(code: -32601, message: "method not found: a/b"))
    #expect(ResponseError.invalidParams("x").code == -32602)
    #expect(ResponseError.internalError("i").code == -32603)
    #expect(ResponseError.serverNotInitialized.code == -32002)
    #expect(ResponseError.requestCancelled.code == -32800)
    #expect(ResponseError.contentModified("c").code == -32801)
    #expect(ResponseError.requestFailed("f").code == -32803)
    let withData = ResponseError(code: -32803, message: "m", data: ["k": 1])
    #expect(ResponseError(json: withData.json) == withData)
    #expect(ResponseError(json: ["code": "x", "message": "m"]) == nil)
}

@Test func logForwardsMessagesAtOrAboveTheLevelToTheSink() {
    final class Captured: @unchecked Sendable {
        var lines: [String] = []
    }
    let captured = Captured()
    let previous = (Log.level, Log.sink)
    defer { (Log.level, Log.sink) = previous }
    Log.level = .warning
    Log.sink = { level, text in captured.lines.append("\(level) \(text)") }
    var evaluated = false
    Log.info({ evaluated = true; return "not shown" }())
    Log.warning("two\nlines")
    Log.error("bad")
    #expect(!evaluated)
    #expect(captured.lines == ["WARN two\nlines", "ERROR bad"])
}

@Test func decodingTurnsAFieldErrorIntoInvalidParamsWithItsMessage() {
    let params = Params(["limit": 0])
    #expect(message {
        _ = try params.decode { fields throws(FieldError) -> Int in
            let limit = try fields.integer("limit")
            guard limit > 0 else { throw fields.invalid("limit", "must be 1 or more") }
            return limit
        }
    } == "limit: must be 1 or more")
    #expect(message { _ = try params.decode { fields throws(FieldError) in try fields.string("query") } }
        == "query: missing; expected string")
    let query = try? Params(["query": "x"]).decode { fields throws(FieldError) in try fields.string("query") }
    #expect(query == "x")
}
