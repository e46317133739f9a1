import Glibc

/// A file inside the root: its path relative to the root ("folder/name.md") and its absolute path.
public struct ResolvedPath: Sendable, Hashable {
    public var relative: String
    public var absolute: String
    /// When the root is a mount point: the device of the file system underneath it. A file or
    /// folder created there means the mount went away, and is refused (see AtomicFile).
    public var belowMount: UInt?

    public init(relative: String, absolute: String, belowMount: UInt? = nil) {
        self.relative = relative
        self.absolute = absolute
        self.belowMount = belowMount
    }
}

/// The notes folder. Every path from a client goes through `resolve`, which keeps it inside this folder.
///
/// Paths are checked byte by byte (UTF-8), never by Unicode equivalence, because the kernel sees bytes.
/// The check runs when `resolve` is called; a symlink created afterwards is caught by the next resolve.
public struct VaultRoot: Sendable {
    /// The canonical absolute path of the root (symlinks resolved, no trailing slash).
    public let path: String
    /// The root as the caller spelled it, made absolute, if that differs from `path`; URIs may use it.
    private let alias: String?
    /// When the root is a mount point (an rclone mount), the device of the folder holding it.
    private let parentDevice: UInt?

    /// Opens the root at `path`; refuses "/", a missing path and anything that is not a directory.
    public init(_ path: String) throws(PathError) {
        guard let canonical = FileSystem.realPath(path) else { throw .rootNotFound(path) }
        guard FileSystem.isDirectory(canonical) else { throw .rootNotDirectory(path) }
        guard canonical != "/" else { throw .rootIsFilesystemRoot }
        self.path = canonical
        var root = stat()
        var parent = stat()
        let isMountPoint = stat(canonical, &root) == 0 && stat(canonical + "/..", &parent) == 0 && root.st_dev != parent.st_dev
        parentDevice = isMountPoint ? UInt(parent.st_dev) : nil
        let spelled = FileSystem.absoluteLexicalPath(path)
        alias = spelled.flatMap { $0.utf8.elementsEqual(canonical.utf8) ? nil : $0 }
    }

    /// False when the root was a mount point and no longer is, or cannot be reached (a dead FUSE
    /// mount): its path is then a bare folder of the file system below, not the notes, and must be
    /// neither written to nor scanned (an empty listing would read as every note deleted).
    /// A remount (a new device) counts as present.
    public var isPresent: Bool {
        guard let parentDevice else { return true }
        var info = stat()
        return stat(path, &info) == 0 && UInt(info.st_dev) != parentDevice
    }

    /// Resolves a path relative to the root. Refuses empty, absolute, "..", NUL, backslashes, and paths
    /// that leave the root through a symlink (the nearest existing part is resolved and must lie inside).
    /// "." components and repeated slashes are dropped. No percent-decoding happens here.
    public func resolve(relativePath: String) throws(PathError) -> ResolvedPath {
        guard isPresent else { throw .rootUnmounted(path) }
        let bytes = Array(relativePath.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard !bytes.contains(0) else { throw .nulByte }
        guard !bytes.contains(UInt8(ascii: "\\")) else { throw .backslash(relativePath) }
        guard bytes.first != UInt8(ascii: "/") else { throw .absolute(relativePath) }
        var components: [ArraySlice<UInt8>] = []
        for component in bytes.split(separator: UInt8(ascii: "/")) {
            if component.elementsEqual([UInt8(ascii: ".")]) { continue }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { throw .parentTraversal(relativePath) }
            guard component.count <= Int(NAME_MAX) else { throw .tooLong }
            components.append(component)
        }
        guard !components.isEmpty else { throw .empty }
        let relative = String(decoding: Array(components.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
        let absolute = path + "/" + relative
        guard absolute.utf8.count < Int(PATH_MAX) else { throw .tooLong }
        try checkStaysInside(absolute, shownAs: relative)
        return ResolvedPath(relative: relative, absolute: absolute, belowMount: parentDevice)
    }

    /// A path this program named itself under the root (a conflict copy, a temporary file), not
    /// checked like `resolve` does.
    public func named(_ relative: String) -> ResolvedPath {
        ResolvedPath(relative: relative, absolute: path + "/" + relative, belowMount: parentDevice)
    }

    /// Resolves a `file://` URI (host empty or "localhost") naming a file under the root; percent-escapes
    /// are decoded first, so an encoded ".." is refused like a plain one.
    public func resolve(uri: String) throws(PathError) -> ResolvedPath {
        let decoded = try FileURI.path(of: uri)
        for prefix in [path] + (alias.map { [$0] } ?? []) {
            let prefixBytes = Array(prefix.utf8) + [UInt8(ascii: "/")]
            if decoded.utf8.starts(with: prefixBytes) {
                return try resolve(relativePath: String(decoding: decoded.utf8.dropFirst(prefixBytes.count), as: UTF8.self))
            }
            if decoded.utf8.elementsEqual(prefix.utf8) { throw .empty }
        }
        throw .outsideRoot(decoded)
    }

    /// The `file://` URI of a path relative to the root, percent-encoded.
    public func uri(forRelativePath relativePath: String) -> String {
        FileURI.make(path: path + "/" + relativePath)
    }

    /// The nearest existing part of `absolute` (the file itself if it exists) must resolve inside the root.
    private func checkStaysInside(_ absolute: String, shownAs display: String) throws(PathError) {
        var probe = absolute
        while !FileSystem.exists(probe) {
            probe = FileSystem.parent(of: probe)
        }
        guard let real = FileSystem.realPath(probe) else { throw .danglingSymlink(display) }
        guard FileSystem.isSameOrInside(real, directory: path) else { throw .symlinkOutsideRoot(display) }
    }
}
