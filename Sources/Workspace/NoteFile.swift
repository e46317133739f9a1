import Foundation
import Notes

/// One read of a note file: its bytes and the stat facts the index stores.
public struct NoteFile: Sendable {
    public var bytes: [UInt8]
    public var size: Int64
    public var mtime: Int64            // nanoseconds since 1970
    public var checksum: String
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The whole file as it stands between two writes; nil when it does not exist. Throws
    /// `NoteFileUnsettled` for bytes that may not be a version anyone wrote (see `Unsettled`),
    /// after trying a few times, and `FileError` for any other failure (EIO on a mount, …).
    /// Such bytes must never be indexed, merged or renamed over.
    public static func read(_ path: ResolvedPath) throws -> NoteFile? {
        var attempt = 1
        while true {
            switch try readOnce(path) {
            case nil: return nil
            case .settled(let file): return file
            case .unsettled(let reason):
                if attempt == 3 { throw NoteFileUnsettled(path: path.relative, reason: reason) }
                attempt += 1
                usleep(UInt32(50_000 * attempt))
            }
        }
    }

    private enum Outcome {
        case settled(NoteFile)
        case unsettled(NoteFileUnsettled.Reason)
    }

    private static func readOnce(_ path: ResolvedPath) throws -> Outcome? {
        let fd = open(path.absolute, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(operation: "open", path: path.relative, code: errno)
        }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw FileError(operation: "stat", path: path.relative, code: errno) }
        if WriterCheck.hasWriter(fd) { return .unsettled(.openForWriting) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(before.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path.relative, code: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw FileError(operation: "stat", path: path.relative, code: errno) }
        // An rclone mount can serve a file it is still fetching (or recovering after a crash) cut
        // short or padded with NUL bytes; a local writer can change it while we read. (rclone's FUSE
        // mount reports a cached file's last access as its mtime and ctime, so there they move
        // under any read and say nothing about writers.)
        if bytes.count != Int(before.st_size) || after.st_size != before.st_size {
            return .unsettled(.sizeMismatch(read: bytes.count, expected: Int(after.st_size)))
        }
        if !FileSystemKind.isFUSE(path: path.absolute), after.mtimeNanoseconds != before.mtimeNanoseconds || after.st_ctim.tv_nsec != before.st_ctim.tv_nsec
            || after.st_ctim.tv_sec != before.st_ctim.tv_sec {
            return .unsettled(.changedWhileReading)
        }
        if bytes.contains(0) { return .unsettled(.nulBytes) }
        return .settled(NoteFile(bytes: bytes, size: Int64(bytes.count), mtime: after.mtimeNanoseconds,
                                 checksum: Checksum.sha256(bytes)))
    }

    /// Size and mtime without opening the file (opening one on an rclone mount delays its upload).
    public static func stamp(_ path: ResolvedPath) -> (size: Int64, mtime: Int64)? {
        var info = stat()
        guard lstat(path.absolute, &info) == 0 else { return nil }
        return (Int64(info.st_size), info.mtimeNanoseconds)
    }
}

/// A read whose bytes may not be a version anyone finished writing. Not a version: try later.
public struct NoteFileUnsettled: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// Another process has the file open for writing (local file systems only).
        case openForWriting
        case sizeMismatch(read: Int, expected: Int)
        case changedWhileReading
        /// NUL bytes: a torn read from a mount's cache, or not a text note.
        case nulBytes
        /// Bytes a mount served that neither the bucket holds nor a write through it made.
        case notInBucket
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let why = switch reason {
        case .openForWriting: "another program is still writing it"
        case .sizeMismatch(let read, let expected): "the file system gave \(read) of its \(expected) bytes"
        case .changedWhileReading: "it changed while being read"
        case .nulBytes: "it holds NUL bytes (a torn read, or not a text note)"
        case .notInBucket: "the mount shows bytes the bucket does not hold (a torn read from rclone's cache)"
        }
        return "\(path) is not settled: \(why); try again shortly"
    }
}

/// Whether some process has a file open for writing, asked the way Linux allows without
/// scanning /proc: a read lease can be taken only when nobody has the file open for writing.
enum WriterCheck {
    /// A lease holder is sent SIGIO when someone opens the file for writing; its default action
    /// ends the process. We drop the lease at once, but that signal must never kill the server.
    private static let ignoreLeaseBreaks: Void = { signal(SIGIO, SIG_IGN) }()

    /// <fcntl.h> defines it only under _GNU_SOURCE: F_LINUX_SPECIFIC_BASE + 0.
    private static let setLease: Int32 = 1024

    static func hasWriter(_ fd: Int32) -> Bool {
        _ = ignoreLeaseBreaks
        if fcntl(fd, setLease, F_RDLCK) == 0 {
            _ = fcntl(fd, setLease, F_UNLCK)
            return false
        }
        // EAGAIN: a writer has it open. EINVAL/EACCES/…: this file system or user cannot take
        // leases (FUSE, NFS, a file we do not own); the size and mtime checks still apply.
        return errno == EAGAIN
    }
}

extension stat {
    /// The modification time in nanoseconds since 1970, as the index stores it.
    public var mtimeNanoseconds: Int64 { Int64(st_mtim.tv_sec) * 1_000_000_000 + Int64(st_mtim.tv_nsec) }
}
