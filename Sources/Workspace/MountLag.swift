import Foundation

/// How far an rclone mount may lag behind the index. Another device's save reaches this mount
/// only after that device's write-back delay, the upload, and this mount's directory cache: until
/// then a scan sees the older file, or no file at all for a new note. Mistaking that for a change
/// would record an old text over a newer one, or delete a note another device just created.
public struct MountLag: Sendable, Hashable {
    /// How long after the index recorded a version (its `at`) a mount may still show an older
    /// file, or none: a note is removed because the mount does not list it, or the file wins over
    /// an index version no file has (healing), only once this has passed.
    public var grace: Duration

    /// 45 s unless NOTEBRIDGE_MOUNT_GRACE (seconds) says otherwise: well past rclone's default
    /// 5 s write-back plus an upload and a directory-cache refresh.
    public init(grace: Duration? = nil) {
        self.grace = grace ?? Self.configuredGrace ?? .seconds(45)
    }

    private static let configuredGrace: Duration? = {
        guard let text = ProcessInfo.processInfo.environment["NOTEBRIDGE_MOUNT_GRACE"], let seconds = Double(text),
              seconds >= 0, seconds <= 86_400 else { return nil }
        return Duration.milliseconds(Int64(seconds * 1000))
    }()

    /// The grace in milliseconds, the unit of the index's times.
    public var graceMilliseconds: Int64 {
        let parts = grace.components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
