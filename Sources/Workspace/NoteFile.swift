import Foundation
import Notes

/// One read of a note file: its bytes and the stat facts the index stores.
public struct NoteFile: Sendable {
    public var bytes: [UInt8]
    public var size: Int64
    public var mtime: Int64            // nanoseconds since 1970
    public var checksum: String
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// nil when the file does not exist; throws for any other failure (EIO on a mount, …).
    /// A read that gives fewer or more bytes than the file's size is tried again, then refused: an
    /// rclone mount can serve a file it is still fetching (or recovering from its cache after a
    /// crash) as shorter than it is, and taking that as the note's text would lose the rest.
    public static func read(_ path: ResolvedPath) throws -> NoteFile? {
        var attempt = 1
        while true {
            guard let file = try readOnce(path) else { return nil }
            if file.note.bytes.count == file.statSize { return file.note }
            if attempt == 3 {
                throw FileError(operation: "read all of", path: path.relative + " (the file system gave \(file.note.bytes.count) of its \(file.statSize) bytes)", code: EIO)
            }
            attempt += 1
            usleep(50_000)
        }
    }

    private static func readOnce(_ path: ResolvedPath) throws -> (note: NoteFile, statSize: Int)? {
        let fd = open(path.absolute, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(operation: "open", path: path.relative, code: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(operation: "stat", path: path.relative, code: errno) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size))
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
        let note = NoteFile(bytes: bytes, size: Int64(bytes.count), mtime: info.mtimeNanoseconds, checksum: Checksum.sha256(bytes))
        return (note, Int(info.st_size))
    }

    /// Size and mtime without opening the file (opening one on an rclone mount delays its upload).
    public static func stamp(_ path: ResolvedPath) -> (size: Int64, mtime: Int64)? {
        var info = stat()
        guard lstat(path.absolute, &info) == 0 else { return nil }
        return (Int64(info.st_size), info.mtimeNanoseconds)
    }
}

extension stat {
    /// The modification time in nanoseconds since 1970, as the index stores it.
    public var mtimeNanoseconds: Int64 { Int64(st_mtim.tv_sec) * 1_000_000_000 + Int64(st_mtim.tv_nsec) }
}
