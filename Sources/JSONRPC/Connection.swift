#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import JSON
import Support

/// A JSON-RPC 2.0 endpoint speaking the LSP base protocol (Content-Length frames) over two file descriptors.
///
/// One thread runs `run(_:)`, reading frames and handing messages to the handler in order; answers go
/// through a dedicated writer thread, one whole frame at a time. Bad input is answered, never fatal:
/// malformed JSON → -32700 (id null); valid JSON that is not a message, lacks `"jsonrpc": "2.0"`, or is a
/// batch (JSON-RPC batches are not part of LSP) → -32600; a refused frame → an error with id null saying
/// why (see `FrameReader`), after which reading resumes at the next header.
/// Creating a Connection makes the process ignore SIGPIPE, so a vanished client shows up as a failed
/// write (which ends `run`) instead of killing the process.
public final class Connection: Sendable {
    private struct InFlight {
        let task: Task<Void, Never>
        var cancelRequested = false
    }
    private typealias Reply = CheckedContinuation<Result<JSONValue, ResponseError>, Never>

    /// Requests being answered and server→client requests awaiting their reply. Invariant: once
    /// `closed`, nothing new waits for a reply (`run` has failed every waiter).
    private struct State {
        var stopRequested = false
        var closed = false
        var inFlight: [RequestID: InFlight] = [:]
        var awaitingReply: [RequestID: Reply] = [:]
        var nextOutgoingID: Int64 = 1
    }

    private let input: Int32
    private let maxFrameSize: Int
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Frames go out through it only.
    private let writer: FrameWriter
    private let state = Locked(State())

    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, maxFrameSize: Int = 64 << 20) {
        Self.ignoreSIGPIPE
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fatalError("cannot create the connection's wake-up pipe: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.input = input
        self.maxFrameSize = maxFrameSize
        self.wakeRead = fds[0]
        self.wakeWrite = fds[1]
        let wake = fds[1]
        writer = FrameWriter(fd: output) { error in
            Log.error("output closed (\(String(cString: strerror(error)))); stopping")
            Connection.signalWake(wake)
        }
    }

    deinit {
        writer.close()
        close(wakeRead)
        close(wakeWrite)
    }

    /// Blocks the calling thread reading frames until EOF or stop(); returns then. Call it once.
    /// Queued output is flushed before it returns; answers still running are cancelled (nobody can
    /// receive them) and server→client requests still waiting fail.
    public func run(_ handler: any MessageHandler) {
        let input = input, wakeRead = wakeRead
        var reader = FrameReader(maxFrameSize: maxFrameSize) { buffer in
            Connection.readChunk(input, into: buffer, unlessWoken: wakeRead)
        }
        while let event = reader.next() {
            switch event {
            case .frame(let body): dispatch(body, to: handler)
            case .refused(let error):
                Log.warning(error.message)
                send(Self.response(id: nil, .failure(error)))
            }
        }
        if reader.endedMidFrame { Log.warning("input ended in the middle of a frame") }
        let (abandoned, unanswerable) = state.withLock { state in
            state.closed = true
            defer { state.awaitingReply.removeAll() }
            return (Array(state.awaitingReply.values), state.inFlight.values.map(\.task))
        }
        for task in unanswerable { task.cancel() }
        for reply in abandoned {
            reply.resume(returning: .failure(.requestFailed("connection closed before the client answered")))
        }
        writer.close()
    }

    /// Makes `run` return soon, from any thread.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopRequested = true }
            return !state.stopRequested
        }
        if first { Self.signalWake(wakeWrite) }
    }

    /// Runs `body` in a Task answering request `id`. `$/cancelRequest` for that id cancels the Task and the
    /// answer is -32800. A thrown ResponseError is sent as-is; CancellationError → -32800; any other error → -32603 with its description.
    public func answer(_ id: RequestID, _ body: @escaping @Sendable () async throws -> JSONValue) {
        let accepted = state.withLock { state in
            guard state.inFlight[id] == nil else { return false }
            // The task cannot finish (its end takes the lock) before it is registered here.
            state.inFlight[id] = InFlight(task: answering(id, body))
            return true
        }
        if !accepted { respond(id, .failure(.invalidRequest("request id \(id) is already in progress"))) }
    }

    /// The task answering request `id` with what `body` returns or throws.
    private func answering(_ id: RequestID, _ body: @escaping @Sendable () async throws -> JSONValue) -> Task<Void, Never> {
        Task { [self] in
            let result: Result<JSONValue, ResponseError>
            do {
                result = .success(try await body())
            } catch let error as ResponseError {
                result = .failure(error)
            } catch is CancellationError {
                result = .failure(.requestCancelled)
            } catch {
                result = .failure(.internalError(String(describing: error)))
            }
            let cancelled = state.withLock { $0.inFlight.removeValue(forKey: id)?.cancelRequested ?? false }
            respond(id, cancelled ? .failure(.requestCancelled) : result)
        }
    }

    /// Sends the response to request `id` now (for quick synchronous answers).
    public func respond(_ id: RequestID, _ result: Result<JSONValue, ResponseError>) {
        send(Self.response(id: id, result))
    }

    /// Sends a notification to the client.
    public func notify(_ method: String, _ params: JSONValue?) {
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Server→client request (workspace/applyEdit, window/workDoneProgress/create, client/registerCapability…); ids are the server's own; the client's response is correlated. Throws the client's error.
    /// Cancelling the calling task sends `$/cancelRequest` and throws -32800.
    public func sendRequest(_ method: String, _ params: JSONValue?) async throws(ResponseError) -> JSONValue {
        let id = state.withLock { state in
            defer { state.nextOutgoingID += 1 }
            return RequestID.integer(state.nextOutgoingID)
        }
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": id.json, "method": .string(method)]
        if let params { message["params"] = params }
        let request = JSONValue.object(message)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (reply: Reply) in
                let accepted = state.withLock { state in
                    if state.closed { return false }
                    state.awaitingReply[id] = reply
                    return true
                }
                guard accepted else {
                    reply.resume(returning: .failure(.requestFailed("connection closed")))
                    return
                }
                if Task.isCancelled {
                    withdraw(id, .requestCancelled)
                } else if !send(request) {
                    withdraw(id, .requestFailed("connection closed"))
                }
            }
        } onCancel: {
            if withdraw(id, .requestCancelled) { notify("$/cancelRequest", ["id": id.json]) }
        }
        return try result.get()
    }

    // MARK: - Internals

    private func dispatch(_ body: ArraySlice<UInt8>, to handler: any MessageHandler) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            Log.warning("refused a message: \(error)")
            send(Self.response(id: nil, .failure(.parseError(error.description))))
            return
        }
        switch IncomingMessage(json) {
        case .request(let id, let method, let params):
            Log.debug("request \(id) \(method)")
            handler.handleRequest(id: id, method: method, params: params, connection: self)
        case .notification("$/cancelRequest", let params):
            if let id = params?["id"].flatMap(RequestID.init(json:)) { cancel(id) }
        case .notification(let method, let params):
            Log.debug("notification \(method)")
            handler.handleNotification(method: method, params: params, connection: self)
        case .response(let id, let result):
            if let reply = state.withLock({ $0.awaitingReply.removeValue(forKey: id) }) {
                reply.resume(returning: result)
            } else {
                Log.warning("response to unknown request \(id) ignored")
            }
        case .invalid(let id, let error):
            Log.warning("refused a message: \(error.message)")
            send(Self.response(id: id, .failure(error)))
        case .uncorrelated(let text):
            Log.warning(text)
        }
    }

    private func cancel(_ id: RequestID) {
        state.withLock { state in
            guard var entry = state.inFlight[id] else { return }
            entry.cancelRequested = true
            state.inFlight[id] = entry
            entry.task.cancel()
        }
    }

    /// Resumes a waiting `sendRequest` with `error`; false if it was already resumed.
    @discardableResult
    private func withdraw(_ id: RequestID, _ error: ResponseError) -> Bool {
        guard let reply = state.withLock({ $0.awaitingReply.removeValue(forKey: id) }) else { return false }
        reply.resume(returning: .failure(error))
        return true
    }

    /// Queues `message`; false once the output is closed. (No logging here: a log sink may call notify.)
    @discardableResult
    private func send(_ message: JSONValue) -> Bool {
        writer.enqueue(body: message.serialized())
    }

    static func response(id: RequestID?, _ result: Result<JSONValue, ResponseError>) -> JSONValue {
        switch result {
        case .success(let value): ["jsonrpc": "2.0", "id": id?.json ?? .null, "result": value]
        case .failure(let error): ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json]
        }
    }

    /// One read from `fd`, or 0 at end of input, on a read error, or once `wake` is readable (stop requested).
    private static func readChunk(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, unlessWoken wake: Int32) -> Int {
        var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                Log.error("poll failed: \(String(cString: strerror(errno)))")
                return 0
            }
            if fds[0].revents != 0 { return 0 }
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR || errno == EAGAIN { continue }
            Log.error("read failed: \(String(cString: strerror(errno)))")
            return 0
        }
    }

    private static func signalWake(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }
}
