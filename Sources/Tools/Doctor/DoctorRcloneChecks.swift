import Foundation
import JSON
import Vault
import Workspace

/// Checks the rclone side of a mount: remote control, version, the VFS options that decide whether
/// edits are safe, pending uploads, how to stop rclone without losing writes, and the cache's free space.
package enum DoctorRcloneChecks {
    private static let rcFix = "start the mount with --rc --rc-addr 127.0.0.1:5572 --rc-user U --rc-pass P and pass "
        + "--rclone-rc http://127.0.0.1:5572/ (with RCLONE_RC_USER/RCLONE_RC_PASS set)"

    package static func run(rcURL: String?, environment: [String: String], mount: DoctorMount?) -> [DoctorCheck] {
        let process = mount.flatMap { mount in mount.isRclone ? mount.mountPoint.flatMap(DoctorRcloneProcess.serving) : nil }
        guard let rcURL else {
            guard let mount, mount.isRclone else { return [] }
            return withoutRemoteControl(process: process, mountPoint: mount.mountPoint)
        }
        let remote: RcloneRemoteControl
        do { remote = try RcloneRemoteControl(settingsURL: rcURL, environment: environment) } catch {
            return [DoctorCheck("rclone.rc", .fail, "\(error)", fix: "pass --rclone-rc http://127.0.0.1:PORT/")]
        }
        let version: String
        do { version = try remote.version() } catch {
            return [DoctorCheck("rclone.rc", .fail, "\(error)", fix: fixFor(error))]
        }
        var checks = [DoctorCheck("rclone.rc", .ok, "remote control answers: rclone \(version)")]
        if let mount, !mount.isRclone {
            checks.append(DoctorCheck("rclone.mount", .warn, "the root is on \(mount.type), not on an rclone mount",
                                      fix: "point --root inside the rclone mount that this remote control belongs to"))
        }
        let options: JSONValue
        do { options = try remote.vfsOptions() } catch {
            checks.append(DoctorCheck("rclone.options", .fail, "\(error)", fix: fixFor(error)))
            return checks
        }
        let settings = VFSSettings(cacheMode: cacheModeName(options["CacheMode"]),
                                   writeBack: nanoseconds(options["WriteBack"]),
                                   dirCacheTime: nanoseconds(options["DirCacheTime"]))
        checks += vfsChecks(settings, haveRemoteControl: true)
        if settings.cachesWrites { checks.append(pushCheck(remote, version: version, writeBack: settings.writeBack)) }
        do {
            let pending = try remote.pendingUploads()
            let count = pending.queued + pending.inProgress
            checks.append(count == 0
                ? DoctorCheck("rclone.uploads", .ok, "no uploads pending: everything saved is in the bucket")
                : DoctorCheck("rclone.uploads", .warn,
                              "\(count) file(s) waiting to upload (\(pending.queued) queued, \(pending.inProgress) uploading): in the cache, not yet in the bucket",
                              fix: "keep rclone running until `rclone rc vfs/stats` shows both counts at 0"))
        } catch {
            checks.append(DoctorCheck("rclone.uploads", .warn, "\(error)", fix: fixFor(error)))
        }
        if settings.cachesWrites { checks.append(stoppingWarning(settings.writeBack, mountPoint: mount?.mountPoint)) }
        checks.append(cacheSpace(process: process, environment: environment))
        return checks
    }

    private struct VFSSettings {
        var cacheMode: String?
        var writeBack: Int64?
        var dirCacheTime: Int64?
        var cachesWrites: Bool { cacheMode == "writes" || cacheMode == "full" }
    }

    private static func withoutRemoteControl(process: DoctorRcloneProcess?, mountPoint: String?) -> [DoctorCheck] {
        var checks = [DoctorCheck("rclone.rc", .warn,
                                  "no --rclone-rc given: notes saved on other devices show here only when rclone's directory cache "
                                      + "expires, and uploads cannot be reported", fix: rcFix)]
        guard let process else {
            checks.append(DoctorCheck("rclone.options", .warn, "cannot see the rclone process serving this mount, so its VFS options are unknown",
                                      fix: "pass --rclone-rc so doctor can ask rclone"))
            return checks
        }
        let settings = VFSSettings(cacheMode: process.cacheMode ?? "off", writeBack: process.writeBack.flatMap(parseDuration) ?? 5_000_000_000,
                                   dirCacheTime: process.dirCacheTime.flatMap(parseDuration) ?? 300_000_000_000)
        checks += vfsChecks(settings, haveRemoteControl: false)
        if settings.cachesWrites { checks.append(stoppingWarning(settings.writeBack, mountPoint: mountPoint)) }
        checks.append(cacheSpace(process: process, environment: [:]))
        return checks
    }

    private static func vfsChecks(_ settings: VFSSettings, haveRemoteControl: Bool) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        switch settings.cacheMode {
        case "writes", "full":
            checks.append(DoctorCheck("rclone.cacheMode", .ok, "--vfs-cache-mode \(settings.cacheMode!): saves go to the local cache, then upload"))
        case let mode?:
            checks.append(DoctorCheck("rclone.cacheMode", .fail,
                                      "--vfs-cache-mode \(mode): editors' writes (temp file + rename, rewrites in place) fail or are cut short on this mount",
                                      fix: "remount with --vfs-cache-mode writes"))
        case nil:
            checks.append(DoctorCheck("rclone.cacheMode", .warn, "rclone did not say which --vfs-cache-mode is in force",
                                      fix: "make sure the mount runs with --vfs-cache-mode writes"))
        }
        if let writeBack = settings.writeBack, settings.cachesWrites {
            checks.append(writeBack > 60_000_000_000
                ? DoctorCheck("rclone.writeBack", .warn, "--vfs-write-back \(formatDuration(writeBack)): a save reaches the bucket (and other devices) only that long after it",
                              fix: "remount with --vfs-write-back 5s")
                : DoctorCheck("rclone.writeBack", .ok, "--vfs-write-back \(formatDuration(writeBack)): a save is uploaded that long after the file was last used"))
        }
        if let dirCacheTime = settings.dirCacheTime {
            let text = "--dir-cache-time \(formatDuration(dirCacheTime))"
            if haveRemoteControl {
                checks.append(DoctorCheck("rclone.dirCacheTime", .ok, "\(text): the bridge re-lists folders through remote control when the index says they changed"))
            } else if dirCacheTime > 30_000_000_000 {
                checks.append(DoctorCheck("rclone.dirCacheTime", .warn,
                                          "\(text) and no remote control: a note saved on another device can look stale here for up to that long",
                                          fix: "pass --rclone-rc (best), or remount with --dir-cache-time 10s"))
            } else {
                checks.append(DoctorCheck("rclone.dirCacheTime", .ok, "\(text): other devices' saves show here within that time"))
            }
        }
        return checks
    }

    /// Whether this rclone can upload a save on request (`vfs/queue-set-expiry`, rclone 1.64+) instead
    /// of after the write-back delay.
    private static func pushCheck(_ remote: RcloneRemoteControl, version: String, writeBack: Int64?) -> DoctorCheck {
        let commands: Set<String>
        do { commands = try remote.commands() } catch {
            return DoctorCheck("rclone.push", .warn, "\(error)", fix: fixFor(error))
        }
        if UploadPusher.requiredCommands.isSubset(of: commands) {
            return DoctorCheck("rclone.push", .ok, "rclone \(version) uploads each save at once (vfs/queue-set-expiry), "
                + "not after the write-back delay")
        }
        let window = writeBack.map(formatDuration) ?? "the --vfs-write-back delay"
        return DoctorCheck("rclone.push", .warn,
                           "rclone \(version) cannot upload a save on request (vfs/queue-set-expiry needs rclone 1.64 or later): "
                               + "a save reaches the bucket and other devices only after \(window)",
                           fix: "upgrade rclone to 1.64 or later, or remount with a short --vfs-write-back such as 1s")
    }

    private static func stoppingWarning(_ writeBack: Int64?, mountPoint: String?) -> DoctorCheck {
        let window = writeBack.map(formatDuration) ?? "the write-back delay"
        return DoctorCheck("rclone.stopping", .warn,
                           "stopping rclone with SIGTERM (or shutting down) within \(window) of a save leaves that save only in rclone's cache "
                               + "folder, not in the bucket, until a mount with the same --cache-dir uploads it",
                           fix: "stop safely: wait until `rclone rc vfs/stats` shows uploadsQueued and uploadsInProgress at 0, then "
                               + "`fusermount3 -u \(mountPoint ?? "MOUNTPOINT")`")
    }

    /// rclone keeps its VFS cache under --cache-dir, else $XDG_CACHE_HOME/rclone, else ~/.cache/rclone.
    private static func cacheSpace(process: DoctorRcloneProcess?, environment: [String: String]) -> DoctorCheck {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let directory = process?.cacheDir ?? environment["RCLONE_CACHE_DIR"]
            ?? environment["XDG_CACHE_HOME"].map { $0 + "/rclone" } ?? home + "/.cache/rclone"
        return DoctorDiskSpace.check("rclone.cacheSpace", what: "rclone's cache", path: directory,
                                     fix: "free space there, or remount with --cache-dir on a larger disk; rclone stops writing when it is full")
    }

    private static func fixFor(_ error: RcloneError) -> String {
        switch error {
        case .unauthorized: "check the user and password (user:pass@ in the URL, or RCLONE_RC_USER/RCLONE_RC_PASS)"
        case .invalidURL: "pass --rclone-rc http://127.0.0.1:PORT/"
        default: "is rclone running with --rc on that address? " + rcFix
        }
    }

    /// rclone 1.60 gives the cache mode as a number, later versions as a name.
    package static func cacheModeName(_ value: JSONValue?) -> String? {
        if let name = value?.stringValue { return name.lowercased() }
        guard let number = value?.intValue else { return nil }
        return ["off", "minimal", "writes", "full"].indices.contains(number) ? ["off", "minimal", "writes", "full"][number] : "\(number)"
    }

    /// Durations arrive as nanoseconds, or as Go duration text ("5s", "1m30s").
    package static func nanoseconds(_ value: JSONValue?) -> Int64? {
        if let number = value?.integerValue { return number }
        return value?.stringValue.flatMap(parseDuration)
    }

    /// Go's duration syntax: "300ms", "1h2m3.5s", "0"; nil for anything else ("off" included).
    package static func parseDuration(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9), ("d", 86400e9)]
        var rest = Substring(text)
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isNumber || $0 == "." })
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return text.isEmpty ? nil : Int64(total)
    }

    package static func formatDuration(_ nanoseconds: Int64) -> String {
        let seconds = Double(nanoseconds) / 1e9
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.3gs", seconds)
    }
}
