import Foundation
import HTTP
import JSON
@testable import Index

/// The project's Hrana-over-HTTP test server (Tests/e2e/harness/hrana_server.py, Python standard
/// library only) run by a test on a free 127.0.0.1 port over a fresh SQLite file; stopped by PID.
final class TursoTestServer {
    let port: Int
    let token: String
    let databasePath: String
    private let process: Process
    private let control = HTTPClient(connectTimeout: 5, timeout: 10)

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e/harness/hrana_server.py").path

    init(token: String = "test-token-\(UInt64.random(in: 1...UInt64.max))") throws {
        self.token = token
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hrana-\(UInt64.random(in: 1...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = directory.appendingPathComponent("index.db").path
        process = Process()
        // The system python3 when there is one: version-manager shims (pyenv) add seconds per start.
        let system = "/usr/bin/python3"
        let direct = FileManager.default.isExecutableFile(atPath: system)
        process.executableURL = URL(fileURLWithPath: direct ? system : "/usr/bin/env")
        process.arguments = (direct ? [] : ["python3"])
            + [Self.script, "--db", databasePath, "--port", "0", "--token", token]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = Self.firstLine(of: output.fileHandleForReading.fileDescriptor, within: 10),
              let port = Int(line)
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
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

    /// SIGTERM, then SIGKILL if it has not exited within 5 s.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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
