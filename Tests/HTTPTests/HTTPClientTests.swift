import Foundation
import Testing
@testable import HTTP

/// A throwaway HTTP server (Python's http.server) on a free loopback port, stopped by PID.
final class LocalHTTPServer {
    let process = Process()
    let port: Int
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("hello from disk\n".utf8).write(to: directory.appendingPathComponent("hello.txt"))
        try Data(repeating: 65, count: 4096).write(to: directory.appendingPathComponent("big.txt"))
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory.path, "0"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line names the port: "Serving HTTP on 127.0.0.1 port 12345 (...)".
        var line = ""
        while !line.contains("\n"), let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
            line += String(decoding: byte, as: UTF8.self)
        }
        guard let range = line.range(of: #"port (\d+)"#, options: .regularExpression),
              let port = Int(line[range].dropFirst(5)) else { throw CocoaError(.fileReadUnknown) }
        self.port = port
    }

    deinit {
        // Foundation's waitUntilExit() can hang on Linux; poll with a deadline instead.
        kill(process.processIdentifier, SIGKILL)  // SIGTERM may be blocked in children of the test runner
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        try? FileManager.default.removeItem(at: directory)
    }
}

@Test func getsABodyAndStatusOverAKeptAliveHandle() throws {
    let server = try LocalHTTPServer()
    let client = HTTPClient()
    for _ in 0..<3 {
        let response = try client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/hello.txt", method: "GET"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello from disk\n")
        #expect(response.headers["content-length"] == "16")
    }
    let missing = try client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/nope", method: "GET"))
    #expect(missing.status == 404)
}

@Test func refusedConnectionIsNotSentAndNamesOnlyTheHost() throws {
    let port: Int
    do { let server = try LocalHTTPServer(); port = server.port }  // now closed again
    let request = HTTPRequest(url: "http://user:secret@127.0.0.1:\(port)/x?authToken=hunter2", method: "GET")
    #expect {
        try HTTPClient().send(request)
    } throws: { error in
        guard case .notSent(let host, _) = error as? HTTPError else { return false }
        let text = "\(error)"
        return host == "http://127.0.0.1:\(port)" && !text.contains("secret") && !text.contains("hunter2")
    }
}

@Test func oversizedResponseIsRefused() throws {
    let server = try LocalHTTPServer()
    let client = HTTPClient(maxResponseBytes: 1000)
    #expect(throws: HTTPError.responseTooLarge(host: "http://127.0.0.1:\(server.port)", limit: 1000)) {
        try client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/big.txt", method: "GET"))
    }
}
