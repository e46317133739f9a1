import Glibc

/// Small wrappers over the C file-system calls this module needs, on plain path strings.
enum FileSystem {
    /// realpath(3): the canonical absolute path, or nil if it cannot be resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether something (even a dangling symlink) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory, following symlinks.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The path without its last component ("/" for a top-level entry).
    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return slash == path.utf8.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of a path.
    static func name(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// Whether `path` equals `directory` or lies below it, comparing bytes.
    static func isSameOrInside(_ path: String, directory: String) -> Bool {
        path.utf8.elementsEqual(directory.utf8) || path.utf8.starts(with: directory.utf8 + [UInt8(ascii: "/")])
    }

    /// `path` made absolute against the working directory, with "." and empty components dropped and
    /// no trailing slash; nil if it has ".." components (only realpath can settle those).
    static func absoluteLexicalPath(_ path: String) -> String? {
        var full = path
        if path.utf8.first != UInt8(ascii: "/") {
            guard let cwd = getcwd(nil, 0) else { return nil }
            defer { free(cwd) }
            full = String(cString: cwd) + "/" + path
        }
        var components: [Substring] = []
        for component in full.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { return nil }
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }

    /// The C library's message for an errno value.
    static func message(for code: Int32) -> String {
        String(cString: strerror(code))
    }
}
