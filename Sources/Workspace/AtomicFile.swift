import Glibc

/// Saving without ever leaving a half-written note: write a temporary file beside the target,
/// then rename it over the target, so readers see the old bytes or the new, never a mix.
public enum AtomicFile {
    /// In every temporary file's name: scans skip such files, and clean up those a crash left.
    public static let temporaryMarker = ".nb-tmp-"

    /// Writes `bytes` to a new file ".<name>.nb-tmp-<owner>-<random>" (see `TemporaryOwner`) in the target's directory (creating missing
    /// directories), with mode 0666 less the umask, flushed with fsync; returns its path.
    /// Refuses (ENOTCONN) when the file would land on the file system under a mount point that has
    /// gone: that is not the notes, and a non-empty mount point stops rclone from mounting again.
    public static func writeTemporary(_ bytes: [UInt8], beside target: ResolvedPath) throws -> String {
        let directory = FileSystem.parent(of: target.absolute)
        try makeDirectories(directory, refusing: target.belowMount)
        let name = FileSystem.name(of: target.absolute)
        let stem = name.utf8.count > 200 ? "note" : name
        while true {
            let temporary = "\(directory)/.\(stem)\(temporaryMarker)\(TemporaryOwner.current)-\(randomSuffix())"
            if try create(temporary, holding: bytes, refusing: target.belowMount) { return temporary }
        }
    }

    /// Creates the file `path` (it must not exist) holding `bytes`, flushed with fsync; false when
    /// the name is taken. On any failure nothing is left behind.
    private static func create(_ path: String, holding bytes: [UInt8], refusing device: UInt?) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw FileError.last("create", path)
        }
        do {
            try refuseBelowMount(descriptor: descriptor, path: path, device: device)
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw FileError.last("flush", path) }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = FileError.last("close", path)
            unlink(path)
            throw error
        }
        return true
    }

    /// Renames the temporary file over the target, then flushes the directory entry (best effort).
    public static func commit(temporary: String, to target: ResolvedPath) throws {
        guard rename(temporary, target.absolute) == 0 else { throw FileError.last("rename a temporary file to", target.absolute) }
        let directory = open(FileSystem.parent(of: target.absolute), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Removes a temporary file that will not be committed; a missing file is fine.
    public static func discard(temporary: String) {
        unlink(temporary)
    }

    /// Writes `bytes` to the target atomically (temporary file, then rename); on failure the target is untouched.
    public static func write(_ bytes: [UInt8], to target: ResolvedPath) throws {
        let temporary = try writeTemporary(bytes, beside: target)
        do {
            try commit(temporary: temporary, to: target)
        } catch {
            discard(temporary: temporary)
            throw error
        }
    }

    /// Writes `bytes` to a file that must not exist yet, never replacing one another writer made
    /// meanwhile: throws EEXIST then. A rename that refuses to replace (renameat2 RENAME_NOREPLACE)
    /// where the file system has it; else (rclone's FUSE mount answers EINVAL) an exclusive create,
    /// written and flushed in place.
    public static func writeNew(_ bytes: [UInt8], to target: ResolvedPath) throws {
        let temporary = try writeTemporary(bytes, beside: target)
        if renameNoReplace(temporary, target.absolute) == 0 { return }
        let code = errno
        discard(temporary: temporary)
        guard code == EINVAL || code == ENOSYS else { throw FileError(operation: "create", path: target.absolute, code: code) }
        guard try create(target.absolute, holding: bytes, refusing: target.belowMount) else {
            throw FileError(operation: "create", path: target.absolute, code: EEXIST)
        }
    }

    /// renameat2(…, RENAME_NOREPLACE), which Glibc's Swift module does not show (it needs
    /// _GNU_SOURCE): looked up in the C library once; -1 with ENOSYS where it is missing.
    private static func renameNoReplace(_ source: String, _ target: String) -> Int32 {
        guard let renameat2 = renameat2Function else {
            errno = ENOSYS
            return -1
        }
        return renameat2(AT_FDCWD, source, AT_FDCWD, target, 1 /* RENAME_NOREPLACE */)
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameat2Function: RenameAt2? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2")
        .map { unsafeBitCast($0, to: RenameAt2.self) }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileError.last("write", path)
                }
                offset += written
            }
        }
    }

    /// mkdir -p; the umask applies to new directories as usual. A folder made on `refusing`'s
    /// device is removed again and refused.
    private static func makeDirectories(_ directory: String, refusing device: UInt?) throws {
        if FileSystem.isDirectory(directory) { return }
        let parent = FileSystem.parent(of: directory)
        if parent != directory { try makeDirectories(parent, refusing: device) }
        guard mkdir(directory, 0o777) == 0 || (errno == EEXIST && FileSystem.isDirectory(directory)) else {
            throw FileError.last("create the folder", directory)
        }
        var info = stat()
        if let device, stat(directory, &info) == 0, UInt(info.st_dev) == device {
            rmdir(directory)
            throw FileError(operation: "create the folder", path: directory, code: ENOTCONN)
        }
    }

    private static func refuseBelowMount(descriptor: Int32, path: String, device: UInt?) throws {
        var info = stat()
        guard let device, fstat(descriptor, &info) == 0, UInt(info.st_dev) == device else { return }
        throw FileError(operation: "create", path: path, code: ENOTCONN)
    }

    private static func randomSuffix() -> String {
        let value = UInt32.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
