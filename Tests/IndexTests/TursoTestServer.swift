import Foundation
import HTTP
import JSON
@testable import Index

/// The project's Hrana-over-HTTP test server (Tests/e2e/harness/hrana_server.py, Python standard
/// library only) run by a test on a free 127.0.0.1 port over a fresh SQLite file (or a folder of
/// databases named by the base URL's path); stopped by PID, and by itself if this process dies.
final class TursoTestServer: @unchecked Sendable {  // `process` is only touched under `lock`
    let port: Int
    let token: String
    let databasePath: String
    private let directory: URL
    private let process: Process
    private let lock = NSLock()
    private let control = HTTPClient(connectTimeout: 5, timeout: 10)

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e/harness/hrana_server.py").path

    /// With `folder`, each database is a path segment: see `database(named:)`.
    init(token: String = "test-token-\(UInt64.random(in: 1...UInt64.max))", folder: Bool = false) throws {
        self.token = token
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hrana-\(UInt64.random(in: 1...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = folder ? directory.path : directory.appendingPathComponent("index.db").path
        process = Process()
        // The system python3 when there is one: version-manager shims (pyenv) add seconds per start.
        let system = "/usr/bin/python3"
        let direct = FileManager.default.isExecutableFile(atPath: system)
        process.executableURL = URL(fileURLWithPath: direct ? system : "/usr/bin/env")
        process.arguments = (direct ? [] : ["python3"])
            + [Self.script, folder ? "--db-dir" : "--db", databasePath, "--port", "0", "--token", token,
               "--exit-with-parent"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = Self.firstLine(of: output.fileHandleForReading.fileDescriptor, within: 10),
              let port = Int(line)
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
            throw TestServerError.didNotStart
        }
        self.port = port
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var host: String { "127.0.0.1:\(port)" }

    /// The server as the executor sees it, with the right token unless told otherwise.
    func database(token: String? = nil) -> RemoteDatabase {
        RemoteDatabase(baseURL: baseURL, host: host, authToken: token ?? self.token)
    }

    /// One database of a folder server: `http://127.0.0.1:PORT/NAME`.
    func database(named name: String) -> RemoteDatabase {
        RemoteDatabase(baseURL: "\(baseURL)/\(name)", host: host, authToken: token)
    }

    /// SIGTERM, then SIGKILL if it has not exited within 5 s; then removes its databases.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Calls a `/_test/` knob: GET without a body, POST with one.
    @discardableResult
    func knob(_ name: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let request = HTTPRequest(url: "\(baseURL)/_test/\(name)", method: body == nil ? "GET" : "POST",
                                  headers: [("Content-Type", "application/json")], body: body?.serialized() ?? [],
                                  timeout: 10)
        return try JSONValue.parse(try control.send(request).body)
    }

    /// How many `POST /v2/pipeline` requests reached the server.
    func pipelineRequests() throws -> Int {
        try knob("stats")["paths"]?["POST /v2/pipeline"]?.intValue ?? 0
    }

    /// The number of rows in `table`, read on a fresh stream.
    func count(_ table: String) throws -> Int64 {
        let rows = try HranaExecutor(database: database()).execute(SQLStatement("SELECT count(*) FROM \(table)"))
        guard case .integer(let n)? = rows.rows.first?.first else { throw TestServerError.unexpectedAnswer }
        return n
    }

    private static func firstLine(of descriptor: Int32, within seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return nil }
            if poller.revents == 0 { continue }
            guard read(descriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

enum TestServerError: Error { case didNotStart, unexpectedAnswer }
