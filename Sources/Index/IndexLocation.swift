import Foundation
import Notes

/// Where the local index of a vault lives by default: in the user's cache folder, named after
/// the vault's canonical root, never inside the root itself.
public enum IndexLocation {
    /// `$XDG_CACHE_HOME/notebridge/<first 16 hex of sha256(canonical root)>.sqlite`, else under
    /// `~/.cache`; a temporary folder when that would fall inside the root.
    public static func defaultPath(forCanonicalRoot canonicalRoot: String,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let name = String(Checksum.sha256(Array(canonicalRoot.utf8)).prefix(16)) + ".sqlite"
        var cache: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cache = xdg
        } else {
            cache = (environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()) + "/.cache"
        }
        if isInside(cache, root: canonicalRoot) {
            cache = NSTemporaryDirectory() + "notebridge-\(getuid())"
        }
        return cache.split(separator: "/").joined(separator: "/").withLeadingSlash + "/notebridge/" + name
    }

    /// Creates the folder that will hold the index file at `path` (owner-only access).
    public static func prepareFolder(for path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }  // a bare file name: the current folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    private static func isInside(_ path: String, root: String) -> Bool {
        let root = root.hasSuffix("/") ? root : root + "/"
        let path = path.hasSuffix("/") ? path : path + "/"
        return path.hasPrefix(root)
    }
}

private extension String {
    var withLeadingSlash: String { "/" + self }
}
