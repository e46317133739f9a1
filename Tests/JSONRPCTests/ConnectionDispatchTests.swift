import Foundation
import Testing
import JSON
@testable import JSONRPC

/// Answering, cancellation and server→client requests, driven through real pipes.
@Suite struct ConnectionDispatchTests {
    @Test func cancellingASlowRequestWhileAFastOneIsAnswered() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(request(1, "slow"))
            peer.send(request(2, "fast"))
            let fast = peer.receive()
            peer.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 1]])
            return [fast, peer.receive()]
        }
        #expect(replies[0] == ["jsonrpc": "2.0", "id": 2, "result": "fast"])
        #expect(replies[1] == ["jsonrpc": "2.0", "id": 1, "error": ["code": -32800, "message": "request cancelled"]])
    }

    @Test func aCancelledRequestIsAnsweredAsCancelledEvenIfItsBodyReturnsAValue() async {
        let peer = TestPeer()
        let reply = await blocking {
            peer.send(["jsonrpc": "2.0", "id": "s-1", "method": "stubborn"])
            peer.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": "s-1"]])
            return peer.receive()
        }
        #expect(reply?["id"] == "s-1")
        #expect(reply?["error"]?["code"] == -32800)
    }

    @Test func cancellingAnUnknownOrFinishedRequestChangesNothing() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(request(1, "fast"))
            let first = peer.receive()
            peer.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 1]])
            peer.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 12345]])
            peer.send(request(2, "echo"))
            return [first, peer.receive()]
        }
        #expect(replies[0]?["result"] == "fast")
        #expect(replies[1] == ["jsonrpc": "2.0", "id": 2, "result": nil])
    }

    @Test func thrownErrorsBecomeResponses() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(request(1, "fail"))
            let first = peer.receive()
            peer.send(request(2, "refuse"))
            return [first, peer.receive()]
        }
        #expect(replies[0]?["error"] == ["code": -32603, "message": "the disk is on fire"])
        #expect(replies[1]?["error"] == ["code": -32602, "message": "uri: expected string, got number"])
    }

    @Test func aSecondRequestWithAnIdStillInProgressIsRefused() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(request(1, "slow"))
            peer.send(request(1, "slow"))
            let duplicate = peer.receive()
            peer.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 1]])
            return [duplicate, peer.receive()]
        }
        #expect(replies[0]?["error"]?["code"] == -32600)
        #expect(replies[0]?["error"]?["message"]?.stringValue?.contains("already in progress") == true)
        #expect(replies[1]?["error"]?["code"] == -32800)
    }

    @Test func serverToClientRequestsAreCorrelatedWithTheirResponses() async {
        let peer = TestPeer()
        let replies = await blocking {
            peer.send(request(1, "ask", ["q": "first"]))
            peer.send(request(2, "ask", ["q": "second"]))
            let questions = [peer.receive(), peer.receive()]
            // Answer in reverse order; each reply must reach the request that asked it.
            for question in questions.reversed() {
                guard let question, let id = question["id"] else { continue }
                peer.send(["jsonrpc": "2.0", "id": id, "result": ["echo": question["params"]?["q"] ?? .null]])
            }
            return (questions, [peer.receive(), peer.receive()])
        }
        let (questions, answers) = replies
        #expect(questions.allSatisfy { $0?["method"] == "client/question" && $0?["jsonrpc"] == "2.0" })
        #expect(Set(questions.compactMap { $0?["id"] }).count == 2)
        let byID = Dictionary(uniqueKeysWithValues: answers.compactMap { a in a.flatMap { ($0["id"]!, $0["result"]) } })
        #expect(byID[1] == ["reply": ["echo": "first"]])
        #expect(byID[2] == ["reply": ["echo": "second"]])
    }

    @Test func theClientsErrorIsThrownBySendRequest() async {
        let peer = TestPeer()
        let reply = await blocking {
            peer.send(request(1, "ask"))
            guard let question = peer.receive(), let id = question["id"] else { return nil as JSONValue? }
            peer.send(["jsonrpc": "2.0", "id": id, "error": ["code": -32803, "message": "edit rejected", "data": [1]]])
            return peer.receive()
        }
        #expect(reply?["error"] == ["code": -32803, "message": "edit rejected", "data": [1]])
    }

    @Test func aResponseToNoRequestOfOursGetsNoAnswer() async {
        let peer = TestPeer()
        let reply = await blocking {
            peer.send(["jsonrpc": "2.0", "id": 777, "result": "unasked"])
            peer.send(["jsonrpc": "2.0", "id": nil, "error": ["code": -32700, "message": "client could not parse"]])
            peer.send(request(1, "echo"))
            return peer.receive()
        }
        #expect(reply?["id"] == 1)
    }

    @Test func pendingServerRequestsFailWhenTheInputEnds() async {
        let peer = TestPeer()
        let failure: ResponseError? = await {
            async let asked: ResponseError? = {
                do throws(ResponseError) {
                    _ = try await peer.connection.sendRequest("client/question", nil)
                    return nil
                } catch {
                    return error
                }
            }()
            await blocking {
                _ = peer.receive()
                peer.closeInput()
            }
            return await asked
        }()
        #expect(failure?.code == -32803)
        #expect(failure?.message == "connection closed before the client answered")
    }

    @Test func cancellingTheTaskThatSentARequestTellsTheClient() async {
        let peer = TestPeer()
        let asking = Task { () -> ResponseError? in
            do throws(ResponseError) {
                _ = try await peer.connection.sendRequest("client/question", nil)
                return nil
            } catch {
                return error
            }
        }
        let question = await blocking { peer.receive() }
        asking.cancel()
        let cancelNotice = await blocking { peer.receive() }
        #expect(await asking.value == .requestCancelled)
        #expect(cancelNotice == ["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": question?["id"] ?? .null]])
    }

    @Test func stopEndsRunWhileInputIsStillOpen() async {
        let peer = TestPeer()
        peer.connection.stop()
        #expect(await blocking { peer.waitUntilFinished() })
    }

    @Test func aVanishedClientEndsRunWithoutKillingTheProcess() async {
        var fds: [Int32] = [0, 0], out: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0 && pipe(&out) == 0)
        close(out[0])  // nobody will ever read the output: writes fail with EPIPE
        let connection = Connection(input: fds[0], output: out[1])
        let ended = await blocking {
            let done = NSCondition()
            nonisolated(unsafe) var finished = false
            Thread {
                connection.run(TestHandler())
                done.withLock {
                    finished = true
                    done.broadcast()
                }
            }.start()
            connection.notify("window/logMessage", ["type": 3, "message": "anyone there?"])
            return done.withLock {
                let deadline = Date().addingTimeInterval(10)
                while !finished && done.wait(until: deadline) {}
                return finished
            }
        }
        #expect(ended)
        for fd in [fds[0], fds[1], out[1]] { close(fd) }
    }
}
