import JSON
import JSONRPC

struct TestFailure: Error, CustomStringConvertible {
    var description: String { "the disk is on fire" }
}

/// Methods the tests drive:
/// echo (answers its params at once), fast, slow (sleeps until cancelled), stubborn (ignores
/// cancellation and returns a value), fail (throws a plain error), refuse (throws -32602),
/// ask (asks the client `client/question` with its params and answers with the reply);
/// notification `ping` is answered with notification `pong`.
struct TestHandler: MessageHandler {
    func handleRequest(id: RequestID, method: String, params: JSONValue?, connection: Connection) {
        switch method {
        case "echo": connection.respond(id, .success(params ?? .null))
        case "fast": connection.answer(id) { "fast" }
        case "slow":
            connection.answer(id) {
                try await Task.sleep(for: .seconds(600))
                return "slow"
            }
        case "stubborn":
            connection.answer(id) {
                let (stream, end) = AsyncStream<Void>.makeStream()
                await withTaskCancellationHandler {
                    for await _ in stream {}
                } onCancel: {
                    end.finish()
                }
                return "finished anyway"
            }
        case "fail": connection.answer(id) { throw TestFailure() }
        case "refuse": connection.answer(id) { throw ResponseError.invalidParams("uri: expected string, got number") }
        case "ask":
            connection.answer(id) { ["reply": try await connection.sendRequest("client/question", params)] }
        default: connection.respond(id, .failure(.methodNotFound(method)))
        }
    }

    func handleNotification(method: String, params: JSONValue?, connection: Connection) {
        if method == "ping" { connection.notify("pong", params) }
    }
}
