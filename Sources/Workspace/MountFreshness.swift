import Foundation
import Notes

/// Reads a note as the index says it should be. An rclone mount can show a stale or torn
/// version for a while after another device wrote it; we stat first (cheap, and it does not
/// delay uploads), ask rclone to re-list the folder when we can, and re-read with backoff
/// until the checksum matches or the deadline passes. We never loop on open().
public struct MountFreshness: Sendable {
    public var remoteControl: RcloneRemoteControl?
    /// Where the notes root sits inside the mount ("" when the root is the mount itself).
    public var mountPrefix = ""

    public init(remoteControl: RcloneRemoteControl? = nil, mountPrefix: String = "") {
        self.remoteControl = remoteControl
        self.mountPrefix = mountPrefix
    }

    public struct Stale: Error, CustomStringConvertible {
        public var path: String
        public var description: String {
            "the newer version of \(path) saved on another device has not reached this mount yet; try again shortly"
        }
    }

    /// The file with `checksum` (and `size` if known), or throws `Stale` after `deadline`.
    public func read(_ path: ResolvedPath, checksum: String, size: Int64?, deadline: Date) throws -> NoteFile {
        var delay = 0.05
        while true {
            let stamp = NoteFile.stamp(path)
            if size == nil || stamp?.size == size, let file = try NoteFile.read(path), file.checksum == checksum {
                return file
            }
            if Date() >= deadline { throw Stale(path: path.relative) }
            // A re-list costs ~0.1 s and is what makes the new bytes visible once they are in the
            // bucket (uploads are pushed at once now), so re-list on every retry.
            if let remoteControl {
                let folder = (path.relative as NSString).deletingLastPathComponent
                try? remoteControl.refresh(directory: MountFreshness.join(mountPrefix, folder))
            }
            Thread.sleep(forTimeInterval: min(delay, max(0, deadline.timeIntervalSinceNow)))
            delay = min(delay * 2, 0.25)
        }
    }

    /// Asks rclone to re-list the whole root, so a scan sees objects written to the bucket directly.
    public func refreshAll() {
        try? remoteControl?.refresh(directory: mountPrefix, recursive: true)
    }

    public static func join(_ prefix: String, _ path: String) -> String {
        prefix.isEmpty ? path : path.isEmpty ? prefix : prefix + "/" + path
    }
}
