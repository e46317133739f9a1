import Foundation
import JSON
import JSONRPC

/// parse → dispatch → serialize for one message, with jansson (JSONValue) and with Foundation.
enum CodecBench {
    static func frame(_ body: [UInt8]) -> [UInt8] { Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body }

    static func diagnostics(uri: String, version: Int) -> JSONValue {
        [
            "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
            "params": ["uri": .string(uri), "version": .integer(Int64(version)), "diagnostics": []],
        ]
    }

    /// didChange: read the document out of the message, answer with a publishDiagnostics notification.
    static func didChangeJansson(_ body: [UInt8]) -> Int {
        guard let message = try? JSONValue.parse(body), message["jsonrpc"] == "2.0",
              message["method"]?.stringValue == "textDocument/didChange",
              let params = Optional(Params(message["params"])),
              let document = try? params.object("textDocument"),
              let uri = try? document.string("uri"), let version = try? document.integer("version"),
              let text = try? params.array("contentChanges").first?.string("text")
        else { fatalError("didChange did not parse") }
        return frame(diagnostics(uri: uri, version: version).serialized()).count + text.utf8.count
    }

    static func didChangeFoundation(_ body: [UInt8]) -> Int {
        guard let message = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              message["jsonrpc"] as? String == "2.0",
              message["method"] as? String == "textDocument/didChange",
              let params = message["params"] as? [String: Any],
              let document = params["textDocument"] as? [String: Any],
              let uri = document["uri"] as? String, let version = document["version"] as? Int,
              let text = (params["contentChanges"] as? [[String: Any]])?.first?["text"] as? String
        else { fatalError("didChange did not parse") }
        let reply: [String: Any] = [
            "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
            "params": ["uri": uri, "version": version, "diagnostics": [Any]()],
        ]
        let out = try! JSONSerialization.data(withJSONObject: reply)
        return frame(Array(out)).count + text.utf8.count
    }

    /// completion: read the position, answer with 1,000 items.
    static func completionJansson(_ body: [UInt8], items: Int) -> Int {
        guard let message = try? JSONValue.parse(body), message["jsonrpc"] == "2.0",
              let id = message["id"].flatMap(RequestID.init(json:)),
              message["method"]?.stringValue == "textDocument/completion",
              let position = try? Params(message["params"]).object("position"),
              let line = try? position.integer("line"), let character = try? position.integer("character")
        else { fatalError("completion did not parse") }
        let list: JSONValue = [
            "isIncomplete": false,
            "items": .array((0..<items).map { Traffic.completionItem($0, line: line, character: character) }),
        ]
        let response: JSONValue = ["jsonrpc": "2.0", "id": id.json, "result": list]
        return frame(response.serialized()).count
    }

    static func completionFoundation(_ body: [UInt8], items: Int) -> Int {
        guard let message = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              message["jsonrpc"] as? String == "2.0", let id = message["id"] as? Int,
              message["method"] as? String == "textDocument/completion",
              let position = (message["params"] as? [String: Any])?["position"] as? [String: Any],
              let line = position["line"] as? Int, let character = position["character"] as? Int
        else { fatalError("completion did not parse") }
        let list: [String: Any] = [
            "isIncomplete": false,
            "items": (0..<items).map { Traffic.completionItemFoundation($0, line: line, character: character) },
        ]
        let response: [String: Any] = ["jsonrpc": "2.0", "id": id, "result": list]
        return frame(Array(try! JSONSerialization.data(withJSONObject: response))).count
    }

    static func run() -> [Measurement] {
        let text = Traffic.document(size: 20 * 1024)
        let didChange = Traffic.didChange(text: text).serialized()
        let completion = Traffic.completionRequest.serialized()
        var sink = 0
        let results = [
            measure("didChange, 20 KB document", "jansson") { sink &+= didChangeJansson(didChange) },
            measure("didChange, 20 KB document", "Foundation") { sink &+= didChangeFoundation(didChange) },
            measure("completion, 1,000 items", "jansson") { sink &+= completionJansson(completion, items: 1000) },
            measure("completion, 1,000 items", "Foundation") { sink &+= completionFoundation(completion, items: 1000) },
        ]
        precondition(sink != 0)
        return results
    }

    /// Sizes of the framed messages, for the report.
    static func sizes() -> (didChange: Int, completion: Int) {
        let text = Traffic.document(size: 20 * 1024)
        return (frame(Traffic.didChange(text: text).serialized()).count,
                completionJansson(Traffic.completionRequest.serialized(), items: 1000))
    }
}
