import Foundation

/// A note file found by a scan: its path relative to the root, size and modification time.
public struct FileStamp: Sendable, Hashable {
    public var relativePath: String
    public var size: Int64
    public var mtimeNanoseconds: Int64

    public init(relativePath: String, size: Int64, mtimeNanoseconds: Int64) {
        self.relativePath = relativePath
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }
}

/// What a scan saw: the note files, and the folders it could not list (their notes are unknown,
/// not deleted).
public struct VaultScan: Sendable, Hashable {
    public var files: [FileStamp]
    public var unreadableFolders: [String]
    /// Files and folders skipped because their name is not valid UTF-8 (shown with the bad bytes
    /// as `\xNN`): no note path can name them.
    public var invalidNames: [String] = []
    /// Temporary files of saves (`.*.nb-tmp-*`), which are never notes: a crash or a mount that
    /// came back can leave them (see `LeftoverTemporaries`).
    public var temporaries: [String] = []
}

public enum VaultScanError: Error, Sendable, Equatable {
    case cannotList(root: String, reason: String)
}

/// Lists the note files under a root using directory reads and stat only: it never opens a
/// file (on an rclone mount that would postpone the file's upload). Skips hidden files and
/// folders, conflict copies (`*.conflict-*.md`), temporary files (`.*.nb-tmp-*`), symbolic links,
/// anything not ending in `.md`, what Basic Memory ignores (`IgnoreRules`: `build/`, `dist/`,
/// `node_modules/`…, its `.bmignore`, the root's `.gitignore`), and names that are not UTF-8
/// (listed in `invalidNames`).
public enum VaultScanner {
    /// Every note file under `root`, sorted by path.
    /// A root whose mount went away (before or during the listing) is an error, not an empty vault.
    public static func scan(_ root: VaultRoot) throws(VaultScanError) -> VaultScan {
        let unmounted = VaultScanError.cannotList(root: root.path, reason: "it is no longer mounted or cannot be reached")
        guard root.isPresent else { throw unmounted }
        let scan = try scan(path: root.path)
        guard root.isPresent else { throw unmounted }
        return scan
    }

    /// Every note file under the folder at `path`.
    public static func scan(path root: String, rules: IgnoreRules? = nil) throws(VaultScanError) -> VaultScan {
        let rules = rules ?? IgnoreRules.load(root: root)
        var scan = VaultScan(files: [], unreadableFolders: [])
        let rootDescriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootDescriptor >= 0 else {
            throw .cannotList(root: root, reason: String(cString: strerror(errno)))
        }
        defer { close(rootDescriptor) }
        // Folders still to list, relative to the root; one is open at a time.
        var pending = [""]
        while let folder = pending.popLast() {
            let descriptor = folder.isEmpty
                ? dup(rootDescriptor)
                : openat(rootDescriptor, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, let handle = fdopendir(descriptor) else {
                if descriptor >= 0 { close(descriptor) }
                if folder.isEmpty { throw .cannotList(root: root, reason: String(cString: strerror(errno))) }
                scan.unreadableFolders.append(folder)
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let bytes = entry.nameBytes
                guard bytes.first != UInt8(ascii: ".") else {
                    if let name = String(validating: bytes, as: UTF8.self), name.contains(AtomicFile.temporaryMarker) {
                        scan.temporaries.append(folder.isEmpty ? name : folder + "/" + name)
                    }
                    continue
                }
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    scan.invalidNames.append((folder.isEmpty ? "" : folder + "/") + escaped(bytes))
                    continue
                }
                let relative = folder.isEmpty ? name : folder + "/" + name
                var info = stat()
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if !rules.ignoresEverythingUnder(relative) { pending.append(relative) }
                case S_IFREG where isNoteFileName(name) && !rules.ignoresFile(relative, name: name):
                    scan.files.append(FileStamp(relativePath: relative, size: Int64(info.st_size), mtimeNanoseconds: info.mtimeNanoseconds))
                default:
                    continue
                }
            }
        }
        scan.files.sort { $0.relativePath < $1.relativePath }
        scan.unreadableFolders.sort()
        scan.invalidNames.sort()
        return scan
    }

    /// A name's bytes with those that are not valid UTF-8 shown as `\xNN`.
    private static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            var end = i + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            if let valid = String(validating: bytes[i..<end], as: UTF8.self) {
                out += valid
            } else {
                out += bytes[i..<end].map { "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            }
            i = end
        }
        return out
    }

    /// Whether a file name (no folder) is a note the index should hold.
    public static func isNoteFileName(_ name: String) -> Bool {
        guard name.hasSuffix(".md"), name.count > 3, !name.hasPrefix(".") else { return false }
        return !name.contains(".conflict-") && !name.contains(AtomicFile.temporaryMarker)
    }
}

extension UnsafeMutablePointer where Pointee == dirent {
    /// The entry's name, read in place up to its NUL. readdir's record is only as long as its
    /// name, so copying the whole `d_name` (256 bytes) can read past the end of the buffer: a bridge
    /// restarted in the soak crashed so (SIGSEGV) in its first scan.
    var nameBytes: [UInt8] {
        withUnsafeMutablePointer(to: &pointee.d_name) { name in
            let start = UnsafeRawPointer(name)
            return Array(UnsafeRawBufferPointer(start: start, count: strlen(start.assumingMemoryBound(to: CChar.self))))
        }
    }
}
