import Glibc

/// A failed file-system call: what was tried, on which path, and the system's error number.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// An error for the C call that just failed, taking the current errno.
    static func last(_ operation: String, _ path: String) -> FileError {
        FileError(operation: operation, path: path, code: errno)
    }

    public var description: String {
        "could not \(operation) \(path): \(FileSystem.message(for: code))"
    }
}
