import Glibc

/// Saving without ever leaving a half-written note: write a temporary file beside the target,
/// then rename it over the target, so readers see the old bytes or the new, never a mix.
public enum AtomicFile {
    /// Writes `bytes` to a new file ".<name>.nb-tmp-<random>" in the target's directory (creating missing
    /// directories), with mode 0666 less the umask, flushed with fsync; returns its path.
    /// Refuses (ENOTCONN) when the file would land on the file system under a mount point that has
    /// gone: that is not the notes, and a non-empty mount point stops rclone from mounting again.
    public static func writeTemporary(_ bytes: [UInt8], beside target: ResolvedPath) throws -> String {
        let directory = FileSystem.parent(of: target.absolute)
        try makeDirectories(directory, refusing: target.belowMount)
        let name = FileSystem.name(of: target.absolute)
        let stem = name.utf8.count > 200 ? "note" : name
        while true {
            let temporary = "\(directory)/.\(stem).nb-tmp-\(randomSuffix())"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw FileError.last("create", temporary)
            }
            do {
                try refuseBelowMount(descriptor: descriptor, path: temporary, device: target.belowMount)
                try writeAll(bytes, to: descriptor, path: temporary)
                guard fsync(descriptor) == 0 else { throw FileError.last("flush", temporary) }
            } catch {
                close(descriptor)
                unlink(temporary)
                throw error
            }
            guard close(descriptor) == 0 else {
                let error = FileError.last("close", temporary)
                unlink(temporary)
                throw error
            }
            return temporary
        }
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
