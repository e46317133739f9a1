/// How far an rclone mount may lag behind the index. Another device's save reaches this mount
/// only after that device's write-back delay, the upload, and this mount's directory cache: until
/// then a scan sees the older file, or no file at all for a new note. Mistaking that for a change
/// would record an old text over a newer one, or delete a note another device just created.
public struct MountLag: Sendable, Hashable {
    /// A note the index says was written less than this long ago (by its mtime) is never removed
    /// because the mount does not list it yet.
    public var removalGrace: Duration

    public init(removalGrace: Duration = .seconds(600)) { self.removalGrace = removalGrace }
}
