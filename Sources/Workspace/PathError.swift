/// Why a path or URI was refused; `description` is a message fit for a user.
public enum PathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The root does not exist or cannot be resolved.
    case rootNotFound(String)
    /// The root exists but is not a directory.
    case rootNotDirectory(String)
    /// The root is "/", which is never a notes folder.
    case rootIsFilesystemRoot
    /// The root was a mount point and is not any more (the mount went away) or cannot be reached.
    case rootUnmounted(String)
    /// The relative path is empty (or names the root itself).
    case empty
    /// The path is absolute where a path relative to the root is expected.
    case absolute(String)
    /// The path has a ".." component.
    case parentTraversal(String)
    /// The path contains a NUL byte.
    case nulByte
    /// The path contains a backslash, which could mean a separator on other systems.
    case backslash(String)
    /// The path is longer than the system allows.
    case tooLong
    /// The path leads outside the root through a symbolic link.
    case symlinkOutsideRoot(String)
    /// The path is a symbolic link whose target does not exist.
    case danglingSymlink(String)
    /// The URI's scheme (given) is not `file`.
    case notFileURI(String)
    /// The URI is malformed: a host other than localhost, a query or fragment, or a bad percent escape.
    case malformedURI(String)
    /// The URI names a file outside the root.
    case outsideRoot(String)

    public var description: String {
        switch self {
        case .rootNotFound(let path): "the notes root \(path) does not exist or cannot be resolved"
        case .rootNotDirectory(let path): "the notes root \(path) is not a directory"
        case .rootIsFilesystemRoot: "the notes root must not be / (set the root to your notes folder)"
        case .rootUnmounted(let path):
            "the notes root \(path) is no longer mounted or cannot be reached (did rclone stop?); nothing was read or written"
        case .empty: "the path is empty"
        case .absolute(let path): "the path \(path) is absolute; give a path relative to the notes root"
        case .parentTraversal(let path): "the path \(path) contains '..', which is not allowed"
        case .nulByte: "the path contains a NUL byte"
        case .backslash(let path): "the path \(path) contains a backslash, which is not allowed"
        case .tooLong: "the path is too long"
        case .symlinkOutsideRoot(let path): "the path \(path) leads outside the notes root through a symbolic link"
        case .danglingSymlink(let path): "the path \(path) is a symbolic link to nothing"
        case .notFileURI(let scheme): "only file:// URIs are accepted, not \(scheme.isEmpty ? "this URI" : scheme + ":")"
        case .malformedURI(let uri): "\(uri) is not a valid file URI"
        case .outsideRoot(let path): "\(path) is outside the notes root"
        }
    }
}
