import Foundation
import Index
import JSON
import JSONRPC
import LSP
import Notes
import Support
import Vault
import Workspace

/// The language server: lifecycle, dispatch, and the state shared by the handlers.
public final class Server: MessageHandler, Sendable {
    enum Phase { case uninitialized, running, shutDown }

    let commandLine: Settings
    let documents = DocumentStore()
    let debouncer = Debouncer()
    let linkChecks = LinkDiagnosticsCache()
    /// Set once the notes folder is open or could not be opened; requests wait for it.
    let opened = Latch()
    /// Set once the first index of the folder has ended (done or failed); index lookups wait for it.
    let firstIndexEnded = Latch()
    /// Set once an index of the whole folder is complete; link diagnostics are published only
    /// after it (an incomplete index would flag links to notes not indexed yet).
    let indexComplete = Latch()
    /// Held while one document's diagnostics are computed and sent, so an older computation
    /// (say, before its link check finished) is never sent after a newer one and shown last.
    let publishing = NSLock()
    /// What the client said and how far the folder's opening got. Invariant: `session` and
    /// `sessionProblem` are set once each, never both; `sessionOpening` is true from `initialized`
    /// until one of them is set.
    private struct State {
        var phase = Phase.uninitialized
        var exitCode: Int32 = 1
        var session: VaultContext?
        var sessionProblem: String?
        /// Why the index does not answer yet, while `openRetryingIndex` keeps trying.
        var indexProblem: String?
        var encoding = PositionEncoding.utf16
        var clientSupportsProgress = false
        var monitor: ChangeMonitor?
        var uploads: UploadTracker?
        var initializeParams: JSONValue?
        var sessionOpening = false
        var clientSettings = Settings()
    }
    private let state = Locked(State())
    /// Text-sync notifications held while the folder opens, in arrival order. Its lock is held
    /// while one is applied, so held ones and later ones are applied in order.
    private let heldNotifications = Locked<[(String, JSONValue?)]>([])
    /// Set once in `run`, before the first message is read.
    private let boundConnection = Locked<Connection?>(nil)

    public init(settings: Settings) { commandLine = settings }

    var connection: Connection {
        guard let connection = boundConnection.value else { preconditionFailure("the server is not running on a connection") }
        return connection
    }

    /// Serves one client until it exits or closes stdin; returns the process exit code.
    public func run(connection: Connection) -> Int32 {
        boundConnection.withLock { $0 = connection }
        // Besides stderr, the client's log (window/logMessage) hears everything but debug lines.
        Log.sink = { [weak connection] level, message in
            guard level <= .info else { return }
            let type = switch level { case .error: 1; case .warning: 2; default: 3 }
            connection?.notify("window/logMessage", ["type": JSONValue(type), "message": .string(message)])
        }
        defer { Log.sink = nil }
        connection.run(self)
        // Let saves under way finish (bounded by the save timeout) so none is cut off half-way.
        if let session = state.withLock({ $0.session }) { session.saver.gate.close(waitingUpTo: session.saveTimeout) }
        monitor?.stop()
        uploads?.stop()
        return state.withLock { $0.phase == .shutDown ? 0 : $0.exitCode }
    }

    var encoding: PositionEncoding { state.withLock { $0.encoding } }
    var monitor: ChangeMonitor? { state.withLock { $0.monitor } }
    var uploads: UploadTracker? { state.withLock { $0.uploads } }

    /// The open notes folder, or the error that says why there is none.
    func session() throws(ResponseError) -> VaultContext {
        let (session, problem) = state.withLock { ($0.session, $0.sessionProblem ?? $0.indexProblem) }
        if let session { return session }
        throw .requestFailed(problem ?? "the notes folder is still being opened (waited \(Self.openingWait) s)")
    }

    /// How long a request waits for the notes folder to open, and one that reads the index for
    /// the first index to finish, before it is answered anyway (with an error, or from what is
    /// indexed so far).
    static let openingWait: Double = 10
    static let firstIndexWait: Double = 20
    /// Requests whose answers come from the index (link targets, backlinks, search).
    static let readsIndex: Set<String> = [
        SearchNotesRequest.method, "workspace/symbol", "textDocument/completion", "textDocument/definition", "textDocument/references",
        "textDocument/hover", "textDocument/prepareRename", "textDocument/rename",
    ]

    /// Waits (bounded) for what `method` needs: the open folder, and for index lookups the first index.
    private func awaitReadiness(for method: String) async {
        guard method != "notebridge/status" else { return }  // it reports the opening itself
        await opened.wait(upTo: Self.openingWait)
        if Self.readsIndex.contains(method), state.withLock({ $0.session != nil }) {
            await firstIndexEnded.wait(upTo: Self.firstIndexWait)
        }
    }

    // MARK: - Dispatch

    public func handleRequest(id: RequestID, method: String, params: JSONValue?, connection: Connection) {
        let current = state.withLock { $0.phase }
        switch (current, method) {
        case (.uninitialized, "initialize"):
            let result = initialize(params)
            connection.respond(id, result)
        case (.uninitialized, _):
            connection.respond(id, .failure(.serverNotInitialized))
        case (.shutDown, _):
            connection.respond(id, .failure(.invalidRequest("the server is shutting down; only 'exit' is accepted")))
        case (.running, "initialize"):
            connection.respond(id, .failure(.invalidRequest("initialize was already received")))
        case (.running, "shutdown"):
            state.withLock { $0.phase = .shutDown }
            monitor?.stop()
            connection.respond(id, .success(.null))
        case (.running, _):
            guard let handler = Self.requests[method] else {
                connection.respond(id, .failure(.methodNotFound(method)))
                return
            }
            connection.answer(id) { [self] in
                try await Blocking.$stopsWaitingOnCancel.withValue(true) {
                    await awaitReadiness(for: method)
                    return try await handler(self, Params(params))
                }
            }
        }
    }

    public func handleNotification(method: String, params: JSONValue?, connection: Connection) {
        if method == "exit" {
            state.withLock { $0.exitCode = $0.phase == .shutDown ? 0 : 1 }
            connection.stop()
            return
        }
        guard state.withLock({ $0.phase == .running }) else { return }  // dropped before initialize, per LSP
        switch method {
        case "initialized": openSession()
        case "workspace/didChangeConfiguration": apply(method, params)
        case _ where method.hasPrefix("textDocument/"):
            // Editors open documents right after `initialized`, while the notes folder may still be
            // opening: hold their text-sync notifications until it is, then apply them in order.
            heldNotifications.withLock { held in
                if state.withLock({ $0.sessionOpening }) {
                    held.append((method, params))
                } else {
                    apply(method, params)
                }
            }
        default: break  // unknown notifications, `$/…` included, are ignored
        }
    }

    private func apply(_ method: String, _ params: JSONValue?) {
        do {
            switch method {
            case "textDocument/didOpen": try didOpen(Params(params))
            case "textDocument/didChange": try didChange(Params(params))
            case "textDocument/didClose": try didClose(Params(params))
            case "textDocument/didSave": try didSave(Params(params))
            case "workspace/didChangeConfiguration": try didChangeConfiguration(Params(params))
            default: break
            }
        } catch {
            Log.warning("\(method): \(error)")
        }
    }

    /// Ends the wait for the notes folder (opened or not) and applies what was held meanwhile.
    private func finishOpening(_ update: (inout State) -> Void) {
        heldNotifications.withLock { held in
            state.withLock { state in
                update(&state)
                state.sessionOpening = false
            }
            let notifications = held
            held = []
            for (method, params) in notifications { apply(method, params) }
        }
        opened.set()
    }

    static let requests: [String: RequestHandler] = [
        OpenNoteRequest.method: handler { try await $0.openNote($1) },
        SaveNoteRequest.method: handler { try await $0.saveNote($1) },
        SearchNotesRequest.method: handler { try await $0.searchNotes($1) },
        DeleteNoteRequest.method: handler { try await $0.deleteNote($1) },
        NoteHistoryRequest.method: handler { try await $0.noteHistory($1) },
        "workspace/symbol": { try await $0.workspaceSymbol($1) },
        "workspace/executeCommand": { try await $0.executeCommand($1) },
        "textDocument/codeAction": { try await $0.codeAction($1) },
        "textDocument/completion": { try await $0.completion($1) },
        "textDocument/definition": { try await $0.definition($1) },
        "textDocument/references": { try await $0.references($1) },
        "textDocument/hover": { try await $0.hover($1) },
        "textDocument/documentSymbol": { try await $0.documentSymbol($1) },
        "textDocument/prepareRename": { try await $0.prepareRename($1) },
        "textDocument/rename": { try await $0.rename($1) },
        "notebridge/status": { try await $0.status($1) },
    ]

    // MARK: - Lifecycle

    private func initialize(_ params: JSONValue?) -> Result<JSONValue, ResponseError> {
        let client: Settings
        do { client = try Settings(client: params?["initializationOptions"], path: "initializationOptions") } catch {
            return .failure(error)
        }
        let offered = params?["capabilities"]?["general"]?["positionEncodings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let encoding: PositionEncoding = offered.contains("utf-8") ? .utf8 : .utf16
        state.withLock { state in
            state.initializeParams = params
            state.clientSettings = client
            state.encoding = encoding
            state.clientSupportsProgress = params?["capabilities"]?["window"]?["workDoneProgress"]?.boolValue ?? false
            state.phase = .running
        }
        return .success(Capabilities.initializeResult(encoding: encoding))
    }

    /// Opens the notes folder once the client is ready to hear progress and messages.
    private func openSession() {
        let (settings, params) = state.withLock { state -> (Settings, JSONValue?) in
            state.sessionOpening = true
            return (commandLine.filling(from: state.clientSettings), state.initializeParams)
        }
        Task {
            do {
                var chosen = settings
                chosen.root = try RootChoice.choose(settings: settings, initializeParams: params)
                let session = try await openRetryingIndex(chosen)
                let uploads = session.remoteObjects.map { UploadTracker(remote: $0, sink: self) }
                finishOpening { state in
                    state.indexProblem = nil
                    state.session = session
                    state.sessionProblem = nil
                    state.uploads = uploads
                }
                Log.info("serving \(session.root.path) (index: \(session.index.executor.location), device \(session.device))")
                await indexAndWatch(session)
            } catch {
                let message = "\(error)".hasPrefix("notebridge") ? "\(error)" : "notebridge: \(error)"
                finishOpening { $0.sessionProblem = message }
                Log.error(message)
                connection.notify("window/showMessage", ["type": 1, "message": .string(message)])
            }
        }
    }

    private func didChangeConfiguration(_ params: Params) throws {
        let changed = try Settings(client: params.value("settings"), path: "settings")
        let needsSession = state.withLock { state -> Bool in
            state.clientSettings = changed.filling(from: state.clientSettings)
            return state.session == nil
        }
        // A client that had no root at initialize (Helix without a root marker) may send one now.
        if needsSession, changed.root != nil { openSession() }
    }

    /// Opens the folder; while its index server cannot be reached, tries again with backoff
    /// (requests meanwhile are told which server does not answer), and says when it answers.
    private func openRetryingIndex(_ settings: Settings) async throws -> VaultContext {
        var delay = 0.5
        var failures = 0
        while true {
            do {
                let session = try await Blocking.run("opening the index", timeout: 60) { try VaultContext(settings: settings) }
                if failures > 0 {
                    let message = "notebridge: the index answers now (\(session.index.executor.location)); the notes folder is open"
                    Log.info(message)
                    connection.notify("window/showMessage", ["type": 3, "message": .string(message)])
                }
                return session
            } catch SQLError.unreachable(let reason) {
                guard state.withLock({ $0.phase == .running }) else { throw SQLError.unreachable(reason) }
                failures += 1
                let problem = "notebridge: the \(reason); retrying every \(Int(Self.maxIndexRetryDelay)) s at most until it answers"
                state.withLock { $0.indexProblem = problem }
                if failures == 1 {
                    Log.warning(problem)
                    connection.notify("window/showMessage", ["type": 2, "message": .string(problem)])
                }
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay = min(delay * 2, Self.maxIndexRetryDelay)
            }
        }
    }

    static let maxIndexRetryDelay: Double = 5

    /// `notebridge/status`: whether the folder is open, the first index done, and any problem
    /// (what `:checkhealth` reports).
    func status(_ params: Params) async throws -> JSONValue {
        let (session, failure, indexProblem) = state.withLock { ($0.session, $0.sessionProblem, $0.indexProblem) }
        let problem = failure ?? indexProblem
        var result: [String: JSONValue] = [
            "state": .string(session != nil ? "open" : failure != nil ? "failed" : "opening"),
            "indexed": .bool(indexComplete.isSet),
        ]
        if let session {
            result["root"] = .string(session.root.path)
            result["index"] = .string(session.index.executor.location)
        }
        if let problem { result["problem"] = .string(problem) }
        return .object(result)
    }

    var clientSupportsProgress: Bool { state.withLock { $0.clientSupportsProgress } }
    var clientCapabilities: JSONValue { state.withLock { $0.initializeParams?["capabilities"] ?? .null } }

    func startMonitor(_ monitor: ChangeMonitor) { state.withLock { $0.monitor = monitor } }
}
