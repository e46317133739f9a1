import Foundation
import Vault

/// The file operations an editor's save and a bridge's scan are made of, timed in one folder:
/// create+write+fsync+close, temp file + rename, read (cached and with the page cache dropped),
/// stat, and listing a folder of many files. Every file it makes is removed again.
package struct BenchFileSystem {
    package let folder: String
    package let loop: BenchLoop
    package let listFiles: Int
    /// 2 KB of note-like text, the size the seed's figures use.
    package static let payload = Array(String(repeating: "- [fact] a line of a note, about forty bytes\n", count: 46).utf8.prefix(2048))

    /// metric name → samples in milliseconds.
    package func run() throws -> [String: [Double]] {
        try makeFolder(folder)
        var results: [String: [Double]] = [:]
        let creates = try loop.measure { i in try writeFile("\(folder)/create-\(i).txt", Self.payload) }
        results["create_write_fsync_close"] = creates
        // One of the files just created, round robin.
        let existing = { (i: Int) in "\(folder)/create-\(i % creates.count).txt" }
        results["temp_rename"] = try loop.measure { i in
            try writeFile("\(folder)/.temp-\(i).txt", Self.payload)
            try check(rename("\(folder)/.temp-\(i).txt", "\(folder)/create-0.txt"), "rename")
        }
        let readable = "\(folder)/create-0.txt"
        _ = try readFile(readable)
        results["read_cached"] = try loop.measure { _ in _ = try readFile(readable) }
        results["read_uncached"] = try loop.measure(setup: { i in try dropPageCache(existing(i)) }) { i in
            _ = try readFile(existing(i))
        }
        results["stat"] = try loop.measure { i in
            var info = stat()
            try check(lstat(existing(i), &info), "stat")
        }
        results["list_\(listFiles)_files"] = try listing()
        try removeContents(of: folder)
        return results
    }

    /// Creates `listFiles` files in a folder of their own (bounded by the loop's time too), then times full listings.
    private func listing() throws -> [Double] {
        let directory = "\(folder)/list"
        try makeFolder(directory)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(max(loop.seconds, 30))
        for i in 0..<listFiles where clock.now < deadline {
            try writeFile("\(directory)/file-\(i).txt", Array("file \(i)\n".utf8), sync: false)
        }
        _ = try list(directory)
        return try BenchLoop(count: min(loop.count, 50), seconds: loop.seconds).measure { _ in _ = try list(directory) }
    }

    private func list(_ directory: String) throws -> Int {
        guard let handle = opendir(directory) else { throw BenchError("cannot list \(directory): \(String(cString: strerror(errno)))") }
        defer { closedir(handle) }
        var entries = 0
        while readdir(handle) != nil { entries += 1 }
        return entries
    }

    private func writeFile(_ path: String, _ bytes: [UInt8], sync: Bool = true) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try check(descriptor, "create \(path)")
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count || (sync && fsync(descriptor) != 0) {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw BenchError("cannot write \(path): \(reason)")
        }
        try check(close(descriptor), "close \(path)")
    }

    private func readFile(_ path: String) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        try check(descriptor, "open \(path)")
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            try check(count < 0 ? -1 : 0, "read \(path)")
            if count == 0 { return total }
            total += count
        }
    }

    /// Asks the kernel to forget the file's cached pages, so the next read goes to the disk (or,
    /// on a FUSE mount, to rclone, which may still serve it from its own cache).
    private func dropPageCache(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        try check(descriptor, "open \(path)")
        defer { close(descriptor) }
        _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED))
    }

    private func makeFolder(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BenchError("cannot create \(path): \(error.localizedDescription)")
        }
    }

    private func removeContents(of path: String) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(path)/\(name)")
        }
    }

    private func check(_ result: Int32, _ what: String) throws {
        if result < 0 { throw BenchError("cannot \(what): \(String(cString: strerror(errno)))") }
    }
}
