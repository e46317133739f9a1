import Foundation
import Glibc

/// What kind of file system holds a path: it decides whether inotify can be trusted and how often to scan.
public enum FileSystemKind {
    /// The file system type ("ext4", "tmpfs", "fuse.rclone", "nfs"…), whether it is FUSE, and whether it
    /// is a network or cloud file system. Unknown or unreadable paths give ("unknown", false, false).
    public static func describe(path: String) -> (type: String, isFUSE: Bool, isNetwork: Bool) {
        guard let magic = statfsType(path) else { return ("unknown", false, false) }
        let isFUSE = magic == fuseMagic
        // mountinfo names the exact type (ext2/3/4 share one magic number; FUSE says which program serves it).
        let type = mount(holding: path)?.type ?? knownTypes[magic] ?? "unknown (0x\(String(magic, radix: 16)))"
        let isNetwork = networkMagics.contains(magic)
            || networkTypes.contains(type)
            || (isFUSE && networkFUSEPrograms.contains(String(type.split(separator: ".", maxSplits: 1).last ?? "")))
        return (type, isFUSE, isNetwork)
    }

    /// Whether `path` is on a FUSE file system (one statfs call; no mount table read).
    public static func isFUSE(path: String) -> Bool { statfsType(path) == fuseMagic }

    /// The mount point of the file system holding `path` (per /proc/self/mountinfo), e.g. to turn a path
    /// under an rclone mount into a path relative to the mount's root.
    public static func mountPoint(of path: String) -> String? {
        mount(holding: path)?.point
    }

    /// Where `path` sits inside its mount ("" when it is the mount point itself, or on "/"): the form
    /// rclone's remote control names files in.
    public static func pathInsideMount(_ path: String) -> String {
        guard let mountPoint = mountPoint(of: path), mountPoint != "/", path.hasPrefix(mountPoint) else { return "" }
        return String(path.dropFirst(mountPoint.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    private static let fuseMagic: UInt = 0x6573_5546
    private static let knownTypes: [UInt: String] = [
        0xEF53: "ext4", 0x0102_1994: "tmpfs", 0x6573_5546: "fuse", 0x6969: "nfs", 0x5846_5342: "xfs",
        0x9123_683E: "btrfs", 0x794C_7630: "overlay", 0xFF53_4D42: "cifs", 0xFE53_4D42: "smb2", 0x517B: "smb",
        0x2FC1_2FC1: "zfs", 0x0102_1997: "9p", 0x00C3_6400: "ceph", 0x4D44: "vfat", 0x2011_BAB0: "exfat",
        0xF2F5_2010: "f2fs", 0x7371_7368: "squashfs", 0x8584_58F6: "ramfs", 0x9FA0: "proc", 0x6265_6572: "sysfs",
        0x5346_414F: "afs",
    ]
    private static let networkMagics: Set<UInt> = [0x6969, 0xFF53_4D42, 0xFE53_4D42, 0x517B, 0x0102_1997, 0x00C3_6400, 0x5346_414F]
    private static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smb2", "smbfs", "9p", "ceph", "afs", "glusterfs", "lustre"]
    private static let networkFUSEPrograms: Set<String> = [
        "rclone", "sshfs", "s3fs", "gcsfuse", "goofys", "juicefs", "mountpoint-s3", "geesefs", "davfs", "glusterfs", "cephfs", "ceph-fuse",
    ]

    /// statfs(2)'s f_type. Glibc's Swift module leaves statfs out, so it is looked up by name; `f_type`
    /// is the first field of `struct statfs` on Linux, a word wide.
    private static func statfsType(_ path: String) -> UInt? {
        typealias StatFS = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "statfs") else { return nil }
        let call = unsafeBitCast(symbol, to: StatFS.self)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)
        defer { buffer.deallocate() }
        guard call(path, buffer) == 0 else { return nil }
        return UInt(bitPattern: buffer.load(as: Int.self)) & 0xFFFF_FFFF
    }

    /// The mount holding `path` per /proc/self/mountinfo: the longest mount point containing it, and its
    /// type (FUSE types read "fuse.<program>").
    private static func mount(holding path: String) -> (point: String, type: String)? {
        guard let real = FileSystem.realPath(path), let table = readFile("/proc/self/mountinfo") else { return nil }
        var best: (point: String, type: String)?
        for line in table.split(separator: "\n") {
            // "id parent major:minor root mountpoint options [optional…] - type source superoptions"
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 7, let dash = fields[6...].firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let mountPoint = unescape(fields[4])
            guard mountPoint == "/" || FileSystem.isSameOrInside(real, directory: mountPoint) else { continue }
            if mountPoint.utf8.count >= (best?.point.utf8.count ?? -1) {
                best = (mountPoint, String(fields[dash + 1]))
            }
        }
        return best
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes ("\040").
    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let source = Array(field.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            contents += buffer[..<count]
        }
        return String(decoding: contents, as: UTF8.self)
    }
}
