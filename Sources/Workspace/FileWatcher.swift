import Foundation
import Glibc
import Support

/// Watches the root with inotify on a thread of its own and reports changed Markdown files.
///
/// Reports relative paths of `.md` files that were created, written (on close), deleted or moved, in
/// batches: one callback per read of the event queue, paths sorted and unique. New subdirectories are
/// watched as they appear and the notes already in them are reported; hidden entries (".git", temp
/// files) are skipped; symlinked directories are not followed. If the kernel's queue overflows, the
/// whole tree is rescanned and every note reported. inotify only sees changes made on this machine.
public final class FileWatcher: Sendable {
    private let wakeDescriptor: Int32
    private let loop: WatchLoop
    private let finished = DispatchSemaphore(value: 0)
    /// Set by the first `stop`, which alone wakes and waits for the loop.
    private let stopped = Locked(false)

    /// Starts watching; `onChange` runs on the watcher's thread. Throws if inotify cannot watch the root.
    public init(root: VaultRoot, onChange: @escaping @Sendable ([String]) -> Void) throws {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw FileError.last("start watching", root.path) }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let error = FileError.last("start watching", root.path)
            close(inotify)
            throw error
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let loop = WatchLoop(root: root, inotify: inotify, wake: pipeEnds[0], onChange: onChange)
        do {
            try loop.watchEverything()
        } catch {
            // Thrown before every property is set, so deinit (and its stop) does not run.
            loop.closeDescriptors()
            close(pipeEnds[1])
            throw error
        }
        self.loop = loop
        wakeDescriptor = pipeEnds[1]
        let finished = finished
        Thread {
            loop.run()
            loop.closeDescriptors()
            finished.signal()
        }.start()
    }

    /// Stops watching. When called from outside the callback, no callback runs after it returns.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeDescriptor, &byte, 1)
        if !loop.isCurrentThread { finished.wait() }
        close(wakeDescriptor)
    }

    deinit { stop() }
}

/// The watcher's state and event loop; after `run` starts, only the watcher's thread touches it.
private final class WatchLoop: @unchecked Sendable {
    // Safe: once `run` starts, only the watcher's thread touches the mutable state.
    private let root: VaultRoot
    private let inotify: Int32
    private let wake: Int32
    private let onChange: @Sendable ([String]) -> Void
    /// Watch descriptor → directory relative to the root ("" for the root).
    private var directories: [Int32: String] = [:]
    /// Directory relative to the root → names of the notes in it, to report a directory moved away.
    private var notes: [String: Set<String>] = [:]
    private let threadLock = NSLock()
    private var thread: pthread_t?

    private static let directoryMask = UInt32(IN_CREATE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_DELETE)
        | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW) | UInt32(IN_EXCL_UNLINK)

    init(root: VaultRoot, inotify: Int32, wake: Int32, onChange: @escaping @Sendable ([String]) -> Void) {
        self.root = root
        self.inotify = inotify
        self.wake = wake
        self.onChange = onChange
    }

    var isCurrentThread: Bool {
        threadLock.lock()
        defer { threadLock.unlock() }
        return thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    /// Watches the root and every directory below it.
    func watchEverything() throws {
        var ignored = Set<String>()
        guard watchTree("", reporting: &ignored) else { throw FileError.last("watch", root.path) }
    }

    func closeDescriptors() {
        close(inotify)
        close(wake)
    }

    func run() {
        threadLock.lock()
        thread = pthread_self()
        threadLock.unlock()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&descriptors, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents != 0 else { continue }
            let count = read(inotify, buffer.baseAddress, buffer.count)
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { return }
            var changed = Set<String>()
            handleEvents(UnsafeRawBufferPointer(rebasing: buffer[..<count]), reporting: &changed)
            if !changed.isEmpty { onChange(changed.sorted()) }
        }
    }

    /// Walks the `struct inotify_event` records: wd, mask, cookie, len, then `len` bytes of NUL-padded name.
    private func handleEvents(_ bytes: UnsafeRawBufferPointer, reporting changed: inout Set<String>) {
        var offset = 0
        while offset + 16 <= bytes.count {
            let descriptor = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = bytes[(offset + 16)..<min(offset + 16 + length, bytes.count)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            offset += 16 + length
            handle(descriptor: descriptor, mask: mask, name: name, reporting: &changed)
        }
    }

    private func handle(descriptor: Int32, mask: UInt32, name: String, reporting changed: inout Set<String>) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            rescan(reporting: &changed)
            return
        }
        if mask & UInt32(IN_IGNORED) != 0 {
            directories[descriptor] = nil
            return
        }
        guard let directory = directories[descriptor], !name.isEmpty, !WatchLoop.isHidden(name) else { return }
        let path = directory.isEmpty ? name : directory + "/" + name
        let arrived = mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)) != 0
        let left = mask & (UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)) != 0
        if mask & UInt32(IN_ISDIR) != 0 {
            if left { forgetTree(path, reporting: &changed) }
            if arrived { _ = watchTree(path, reporting: &changed) }
        } else if WatchLoop.isNote(name) {
            if arrived { notes[directory, default: []].insert(name) }
            if left { notes[directory]?.remove(name) }
            // A file is reported once written and closed (or moved in or out), not when created:
            // a note seen at creation is still empty.
            if mask & (UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)) != 0 || left { changed.insert(path) }
        }
    }

    /// Watches `directory` and everything below it, recording (and reporting) the notes found.
    /// Returns false if the directory itself could not be watched.
    private func watchTree(_ directory: String, reporting changed: inout Set<String>) -> Bool {
        let absolute = directory.isEmpty ? root.path : root.path + "/" + directory
        let descriptor = inotify_add_watch(inotify, absolute, WatchLoop.directoryMask)
        guard descriptor >= 0 else { return false }
        directories[descriptor] = directory
        guard let stream = opendir(absolute) else { return true }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = String(decoding: entry.nameBytes, as: UTF8.self)
            guard name != ".", name != "..", !WatchLoop.isHidden(name) else { continue }
            let path = directory.isEmpty ? name : directory + "/" + name
            if isDirectory(entry: entry, path: root.path + "/" + path) {
                _ = watchTree(path, reporting: &changed)
            } else if WatchLoop.isNote(name) {
                notes[directory, default: []].insert(name)
                changed.insert(path)
            }
        }
        return true
    }

    /// Stops watching `directory` and below, reporting the notes it held as gone.
    private func forgetTree(_ directory: String, reporting changed: inout Set<String>) {
        for (descriptor, path) in directories where FileSystem.isSameOrInside(path, directory: directory) {
            inotify_rm_watch(inotify, descriptor)
            directories[descriptor] = nil
        }
        for (path, names) in notes where FileSystem.isSameOrInside(path, directory: directory) {
            for name in names { changed.insert(path + "/" + name) }
            notes[path] = nil
        }
    }

    /// After lost events: start over, reporting every note known before or found now.
    private func rescan(reporting changed: inout Set<String>) {
        for (path, names) in notes {
            for name in names { changed.insert(path.isEmpty ? name : path + "/" + name) }
        }
        for (descriptor, path) in directories where !path.isEmpty {
            inotify_rm_watch(inotify, descriptor)
        }
        directories = [:]
        notes = [:]
        _ = watchTree("", reporting: &changed)
    }

    private func isDirectory(entry: UnsafeMutablePointer<dirent>, path: String) -> Bool {
        let type = entry.pointee.d_type
        if type == UInt8(DT_DIR) { return true }
        if type != UInt8(DT_UNKNOWN) { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func isHidden(_ name: String) -> Bool {
        name.utf8.first == UInt8(ascii: ".")
    }

    private static func isNote(_ name: String) -> Bool {
        name.utf8.count > 3 && name.utf8.suffix(3).elementsEqual(".md".utf8) { actual, expected in
            actual == expected || actual == expected - 32 && expected != UInt8(ascii: ".")
        }
    }
}
