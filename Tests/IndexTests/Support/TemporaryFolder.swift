import Foundation

/// A folder under the system temp directory, removed when released.
final class TemporaryFolder: @unchecked Sendable {
    let path: String

    /// One folder shared by every test database of this test run.
    static let shared = TemporaryFolder()

    init() {
        path = NSTemporaryDirectory() + "notebridge-index-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to the relative `file`, creating folders.
    func write(_ file: String, _ text: String) throws {
        let full = path + "/" + file
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func remove(_ file: String) throws { try FileManager.default.removeItem(atPath: path + "/" + file) }

    func move(_ file: String, to destination: String) throws {
        try FileManager.default.moveItem(atPath: path + "/" + file, toPath: path + "/" + destination)
    }

    /// Sets the file's modification time (seconds since 1970) without touching its bytes.
    func setModified(_ file: String, to seconds: Int) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, path + "/" + file, &times, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
