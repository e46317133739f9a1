import Foundation
import Testing
@testable import Workspace

/// Collects the watcher's batches and lets a test wait, with a deadline, until given paths were reported.
final class ChangeCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var reported: [String] = []
    private(set) var batches = 0

    func record(_ paths: [String]) {
        condition.lock()
        reported += paths
        batches += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every path in `expected` has been reported since the last `reset`; true if they were.
    func wait(for expected: Set<String>, seconds: Double = 5) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !expected.isSubset(of: Set(reported)) {
            if !condition.wait(until: deadline) { return expected.isSubset(of: Set(reported)) }
        }
        return true
    }

    /// Everything reported so far, then forgets it.
    @discardableResult
    func reset() -> Set<String> {
        condition.lock()
        defer { condition.unlock() }
        let all = Set(reported)
        reported = []
        return all
    }
}

@Suite struct FileWatcherTests {
    private func start(_ directory: TemporaryDirectory) throws -> (FileWatcher, ChangeCollector) {
        let collector = ChangeCollector()
        let watcher = try FileWatcher(root: try VaultRoot(directory.path)) { collector.record($0) }
        return (watcher, collector)
    }

    @Test func createModifyDeleteAtTheTopAndNested() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("a/b")
        let (watcher, changes) = try start(directory)
        defer { watcher.stop() }

        try directory.write("top.md", "1")
        try directory.write("a/b/deep.md", "1")
        #expect(changes.wait(for: ["top.md", "a/b/deep.md"]))
        changes.reset()

        let handle = try #require(FileHandle(forWritingAtPath: directory.path + "/a/b/deep.md"))
        handle.seekToEndOfFile()
        handle.write(Data("more".utf8))
        handle.closeFile()
        #expect(changes.wait(for: ["a/b/deep.md"]))
        changes.reset()

        try FileManager.default.removeItem(atPath: directory.path + "/top.md")
        #expect(changes.wait(for: ["top.md"]))
    }

    @Test func newFoldersAreWatchedAsTheyAppear() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (watcher, changes) = try start(directory)
        defer { watcher.stop() }

        // Created together with their files: the files may exist before the watch does.
        try directory.write("new/inner/first.md", "1")
        #expect(changes.wait(for: ["new/inner/first.md"]))
        changes.reset()
        try directory.write("new/inner/second.md", "2")
        try directory.write("new/third.md", "3")
        #expect(changes.wait(for: ["new/inner/second.md", "new/third.md"]))
    }

    @Test func renamesReportBothNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("old.md", "x")
        try directory.write("folder/inside.md", "y")
        let (watcher, changes) = try start(directory)
        defer { watcher.stop() }
        let files = FileManager.default

        try files.moveItem(atPath: directory.path + "/old.md", toPath: directory.path + "/folder/new.md")
        #expect(changes.wait(for: ["old.md", "folder/new.md"]))
        changes.reset()

        try files.moveItem(atPath: directory.path + "/folder", toPath: directory.path + "/renamed")
        #expect(changes.wait(for: ["folder/inside.md", "folder/new.md", "renamed/inside.md", "renamed/new.md"]))
        changes.reset()

        // The watch follows the folder to its new name.
        try directory.write("renamed/later.md", "z")
        #expect(changes.wait(for: ["renamed/later.md"]))
    }

    @Test func foldersMovedInAndOutOfTheRoot() throws {
        let outside = try TemporaryDirectory()
        let directory = try TemporaryDirectory()
        defer { outside.remove(); directory.remove() }
        try outside.write("incoming/a.md", "a")
        try directory.write("leaving/b/c.md", "c")
        let (watcher, changes) = try start(directory)
        defer { watcher.stop() }

        try FileManager.default.moveItem(atPath: outside.path + "/incoming", toPath: directory.path + "/incoming")
        try FileManager.default.moveItem(atPath: directory.path + "/leaving", toPath: outside.path + "/left")
        #expect(changes.wait(for: ["incoming/a.md", "leaving/b/c.md"]))
    }

    @Test func hiddenEntriesAndOtherFilesAreSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory(".git")
        let (watcher, changes) = try start(directory)
        defer { watcher.stop() }

        try directory.write(".git/x.md", "hidden folder")
        try directory.write(".hidden.md", "hidden file")
        try directory.write(".obsidian/y.md", "new hidden folder")
        try directory.write("image.png", "not a note")
        try directory.write("UPPER.MD", "a note")
        let note = try VaultRoot(directory.path).resolve(relativePath: "saved.md")
        try AtomicFile.write(Array("atomic".utf8), to: note)
        try directory.write("sentinel.md", "last")
        #expect(changes.wait(for: ["sentinel.md", "saved.md", "UPPER.MD"]))
        #expect(changes.reset() == ["sentinel.md", "saved.md", "UPPER.MD"])
    }

    @Test func stopIsIdempotentAndWorksFromTheCallback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let changes = ChangeCollector()
        let holder = WatcherHolder()
        holder.watcher = try FileWatcher(root: try VaultRoot(directory.path)) { paths in
            holder.watcher?.stop()
            changes.record(paths)
        }
        try directory.write("one.md", "1")
        #expect(changes.wait(for: ["one.md"]))
        holder.watcher?.stop()
        holder.watcher?.stop()
    }

    @Test func aMissingRootCannotBeWatched() throws {
        let directory = try TemporaryDirectory()
        let root = try VaultRoot(directory.path)
        directory.remove()
        #expect(throws: FileError.self) { try FileWatcher(root: root) { _ in } }
    }
}

final class WatcherHolder: @unchecked Sendable {
    var watcher: FileWatcher?
}
