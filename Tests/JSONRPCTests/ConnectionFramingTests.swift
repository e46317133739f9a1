import Testing
import JSON
@testable import JSONRPC

/// Framing and message validation, driven through real pipes.
@Suite struct ConnectionFramingTests {
    @Test func splitHeaderAndChunkedBodyThroughAPipeAreAnswered() async {
        let peer = TestPeer()
        let message = frame(request(1, "echo", ["text": "split"]).serialized())
        let pieces = [Array(message[..<9]), Array(message[9..<20])] + stride(from: 20, to: message.count, by: 5).map {
            Array(message[$0..<min($0 + 5, message.count)])
        }
        let reply = await blocking {
            peer.writeSplit(pieces)
            return peer.receive()
        }
        #expect(reply == ["jsonrpc": "2.0", "id": 1, "result": ["text": "split"]])
    }

    @Test func severalMessagesInOneWriteAreAnsweredInOrder() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.write((1...5).flatMap { frame(request($0, "echo", [.integer($0)]).serialized()) })
            return (1...5).map { _ in peer.receive()?["id"] }
        }
        #expect(replies == [1, 2, 3, 4, 5])
    }

    @Test func badLengthsAreRefusedWithAReasonAndTheNextMessageIsAnswered() async {
        let peer = TestPeer(maxFrameSize: 1000)
        let replies = await blocking {
            peer.write("Content-Type: application/json\r\n\r\n{\"no\":\"length\"}")
            peer.write("Content-Length: lots\r\n\r\n{}")
            peer.write("Content-Length: -12\r\n\r\n{}")
            peer.write(Array("Content-Length: 5000\r\n\r\n".utf8) + [UInt8](repeating: 32, count: 5000))
            peer.send(request(7, "echo", ["still": "here"]))
            return (0..<5).map { _ in peer.receive() }
        }
        let errors = replies.prefix(4).map { $0?["error"] }
        #expect(replies.prefix(4).allSatisfy { $0?["id"] == .null })
        #expect(errors[0]?["code"] == -32700)
        #expect(errors[0]?["message"]?.stringValue?.contains("missing Content-Length") == true)
        #expect(errors[1]?["message"]?.stringValue?.contains("'lots' is not a non-negative integer") == true)
        #expect(errors[2]?["message"]?.stringValue?.contains("'-12' is not a non-negative integer") == true)
        #expect(errors[3]?["code"] == -32600)
        #expect(errors[3]?["message"]?.stringValue?.contains("exceeds the limit of 1000 bytes") == true)
        #expect(replies[4] == ["jsonrpc": "2.0", "id": 7, "result": ["still": "here"]])
    }

    @Test func nonUTF8BodyIsAParseErrorAndReadingGoesOn() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.write(frame(Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"".utf8) + [0xC3, 0x28, 0xFF]
                + Array("\"]}".utf8)))
            peer.send(request(2, "echo"))
            return [peer.receive(), peer.receive()]
        }
        #expect(replies[0]?["id"] == .null)
        #expect(replies[0]?["error"]?["code"] == -32700)
        #expect(replies[0]?["error"]?["message"]?.stringValue?.contains("not UTF-8") == true)
        #expect(replies[1] == ["jsonrpc": "2.0", "id": 2, "result": nil])
    }

    @Test func endOfInputMidFrameEndsRun() async {
        let peer = TestPeer()
        let ended = await blocking {
            peer.write("Content-Length: 100\r\n\r\n{\"jsonrpc\":")
            peer.closeInput()
            return peer.waitUntilFinished()
        }
        #expect(ended)
    }

    @Test(arguments: [
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", JSONValue.null, -32700, "invalid JSON"),
        ("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]", .null, -32600, "batch requests are not supported"),
        ("[]", .null, -32600, "batch"),
        ("42", .null, -32600, "expected a JSON object, got number"),
        ("{\"id\":3,\"method\":\"echo\"}", 3, -32600, "\"jsonrpc\""),
        ("{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"echo\"}", "x", -32600, "expected \"2.0\""),
        ("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":17}", 4, -32600, "\"method\" must be a string"),
        ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"echo\",\"params\":\"p\"}", 5, -32600, "\"params\" must be an object or array"),
        ("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"echo\"}", .null, -32600, "\"id\" must be an integer or a string"),
        ("{\"jsonrpc\":\"2.0\",\"id\":6}", 6, -32600, "neither a request"),
        ("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":3}", .null, -32600, "\"params\" must be an object or array"),
    ])
    func invalidMessagesAreAnsweredWithTheRightError(body: String, id: JSONValue, code: Int, says: String) async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.write(frame(body))
            peer.send(request(99, "echo"))
            return [peer.receive(), peer.receive()]
        }
        #expect(replies[0]?["id"] == id)
        #expect(replies[0]?["error"]?["code"] == .integer(Int64(code)))
        #expect(replies[0]?["error"]?["message"]?.stringValue?.contains(says) == true, "\(String(describing: replies[0]))")
        #expect(replies[1]?["id"] == 99)
    }

    @Test func notificationsReachTheHandlerAndGetNoResponse() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(["jsonrpc": "2.0", "method": "ping", "params": ["n": 1]])
            peer.send(["jsonrpc": "2.0", "method": "unknown/notification"])
            peer.send(request(1, "echo"))
            return [peer.receive(), peer.receive()]
        }
        #expect(replies[0] == ["jsonrpc": "2.0", "method": "pong", "params": ["n": 1]])
        #expect(replies[1]?["id"] == 1)
    }

    @Test func unknownMethodIsTheHandlersBusiness() async {
        let peer = TestPeer()
        let reply = await blocking {
            peer.send(request(1, "nope/nothing"))
            return peer.receive()
        }
        #expect(reply?["error"] == ["code": -32601, "message": "method not found: nope/nothing"])
    }
}
