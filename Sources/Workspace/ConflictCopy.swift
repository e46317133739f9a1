import Foundation

/// Where a losing save is kept: "name.conflict-<device>-<yyyyMMdd'T'HHmmss'Z'>.md" beside the note.
public enum ConflictCopy {
    /// A free conflict-copy path for `target` (UTC time; device limited to [A-Za-z0-9._-]); if the name
    /// is taken, "-2", "-3"… is added before ".md".
    public static func path(for target: ResolvedPath, device: String, at date: Date, in root: VaultRoot) -> ResolvedPath {
        let base = "\(prefix(for: target))\(sanitized(device))-\(timestamp(date))"
        let folder = folder(of: target)
        var counter = 1
        while true {
            let relative = folder + base + (counter == 1 ? "" : "-\(counter)") + ".md"
            let candidate = root.named(relative)
            if !FileSystem.exists(candidate.absolute) { return candidate }
            counter += 1
        }
    }

    /// Writes `bytes` as a new conflict copy of `target` holding `device`'s text and returns its
    /// path; never replaces a file (two writers choosing one free name at once: the second takes
    /// the next).
    public static func write(_ bytes: [UInt8], for target: ResolvedPath, device: String,
                             at date: Date = Date(), in root: VaultRoot) throws -> ResolvedPath {
        for _ in 0..<100 {
            let copy = path(for: target, device: device, at: date, in: root)
            do {
                try AtomicFile.writeNew(bytes, to: copy)
                return copy
            } catch let error as FileError where error.code == EEXIST {
                continue
            }
        }
        throw FileError(operation: "find a free name for a conflict copy of", path: target.absolute, code: EEXIST)
    }

    /// Keeps version `version` of `target` (written by `device` at `date`) as
    /// "name.conflict-<device>-<time>-v<version>.md". One name per version: every observer that
    /// keeps it — another bridge on this folder, another device's mount — writes or finds the same
    /// file, never a copy each, and a name never holds two texts in the bucket. `created` is false
    /// when the file already held `bytes`; a file there holding other bytes (a write cut short)
    /// is left alone and "-2", "-3"… is added.
    public static func keep(_ bytes: [UInt8], version: Int64, of target: ResolvedPath, device: String, at date: Date,
                            in root: VaultRoot) throws -> (path: ResolvedPath, created: Bool) {
        let base = folder(of: target) + prefix(for: target) + "\(sanitized(device))-\(timestamp(date))-v\(version)"
        for counter in 1...100 {
            let copy = root.named(base + (counter == 1 ? "" : "-\(counter)") + ".md")
            do {
                try AtomicFile.writeNew(bytes, to: copy)
                return (copy, true)
            } catch let error as FileError where error.code == EEXIST {
                if holds(copy, bytes) { return (copy, false) }
            }
        }
        throw FileError(operation: "find a free name for a conflict copy of", path: target.absolute, code: EEXIST)
    }

    /// A conflict copy of `target` that already holds exactly `bytes`, if there is one: two
    /// observers of one overwrite (inotify and the editor's didSave) keep one copy, not two.
    public static func existing(of target: ResolvedPath, holding bytes: [UInt8], in root: VaultRoot) -> ResolvedPath? {
        let folder = folder(of: target)
        let prefix = prefix(for: target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path + "/" + folder)) ?? []
        for name in names.sorted() where name.hasPrefix(prefix) && name.hasSuffix(".md") {
            let candidate = root.named(folder + name)
            if holds(candidate, bytes) { return candidate }
        }
        return nil
    }

    /// Whether the file `copy` holds exactly `bytes`.
    private static func holds(_ copy: ResolvedPath, _ bytes: [UInt8]) -> Bool {
        guard let data = FileManager.default.contents(atPath: copy.absolute), data.count == bytes.count else { return false }
        return Array(data) == bytes
    }

    /// "stem.conflict-": what every conflict copy of `target` starts with.
    private static func prefix(for target: ResolvedPath) -> String {
        let name = FileSystem.name(of: target.relative)
        let stem = name.utf8.count > 3 && name.lowercased().hasSuffix(".md") ? String(name.dropLast(3)) : name
        return "\(stem.utf8.count > 150 ? String(stem.prefix(40)) : stem).conflict-"
    }

    /// The note's folder relative to the root, with a trailing "/" ("" at the root).
    private static func folder(of target: ResolvedPath) -> String {
        target.relative.utf8.contains(UInt8(ascii: "/")) ? FileSystem.parent(of: target.relative) + "/" : ""
    }

    /// The device name with every character outside [A-Za-z0-9._-] replaced by "-", at most 64 long.
    static func sanitized(_ device: String) -> String {
        let allowed = device.unicodeScalars.prefix(64).map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "-"
            }
        }
        return allowed.isEmpty ? "device" : String(allowed)
    }

    /// yyyyMMdd'T'HHmmss'Z' in UTC.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
