import Foundation
import Index
import Support
import Workspace

/// Temporary files (`.<name>.nb-tmp-<owner>-<random>`) a save left when its process was killed. One
/// whose bytes are the index's current version of its note while the note file lacks them (killed
/// between the swap and the rename) is renamed into place; any other is removed (if it ever was a
/// version, its text is in the index). Only files whose writer is known to be gone (a process of
/// this machine that no longer runs) or older than `minimumAge` seconds: a younger one may belong
/// to a save under way in another bridge on the same folder.
package enum LeftoverTemporaries {
    package struct Outcome: Equatable, Sendable {
        package var adopted: [String] = []
        package var removed: [String] = []
    }

    /// Cleans the temporary files a listing of the whole folder finds.
    @discardableResult
    package static func clean(_ root: VaultRoot, index: NoteIndex, minimumAge: Double, now: Date = Date()) -> Outcome {
        guard let scan = try? VaultScanner.scan(root) else { return Outcome() }
        return clean(scan.temporaries, in: root, index: index, minimumAge: minimumAge, now: now)
    }

    /// Cleans these temporary files (relative paths, as a scan lists them).
    @discardableResult
    package static func clean(_ temporaries: [String], in root: VaultRoot, index: NoteIndex, minimumAge: Double,
                              now: Date = Date()) -> Outcome {
        var outcome = Outcome()
        for relative in temporaries {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), let range = name.range(of: AtomicFile.temporaryMarker) else { continue }
            let temporary = root.named(relative)
            guard let stamp = NoteFile.stamp(temporary),
                  TemporaryOwner.writerIsGone(name) || Double(stamp.mtime) / 1e9 < now.timeIntervalSince1970 - minimumAge
            else { continue }
            let folder = (relative as NSString).deletingLastPathComponent
            let noteName = String(name[name.index(after: name.startIndex)..<range.lowerBound])
            let note = folder.isEmpty ? noteName : folder + "/" + noteName
            if adopt(temporary, as: root.named(note), index: index) {
                outcome.adopted.append(relative)
            } else if unlink(temporary.absolute) == 0 {
                outcome.removed.append(relative)
            }
        }
        if !outcome.adopted.isEmpty || !outcome.removed.isEmpty {
            Log.info("leftover temporary files: \(outcome.adopted.count) renamed into place, \(outcome.removed.count) removed")
        }
        return outcome
    }

    /// Renames the temporary file over its note when it holds the index's current version and the note does not.
    private static func adopt(_ temporary: ResolvedPath, as note: ResolvedPath, index: NoteIndex) -> Bool {
        guard let file = try? NoteFile.read(temporary), let record = try? index.record(path: note.relative),
              record.checksum == file.checksum else { return false }
        if let noteFile = try? NoteFile.read(note), noteFile.checksum == file.checksum { return false }
        return (try? AtomicFile.commit(temporary: temporary.absolute, to: note)) != nil
    }
}

extension VaultContext {
    /// Cleans leftover temporary files now and once more after a save's lifetime has passed.
    package func cleanLeftoverTemporaries() {
        let minimumAge = saveTimeout
        LeftoverTemporaries.clean(root, index: index, minimumAge: minimumAge)
        let (root, index) = (root, index)
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + minimumAge + 1) {
            LeftoverTemporaries.clean(root, index: index, minimumAge: minimumAge)
        }
    }
}

/// Temporary files a save could not remove because the folder was unreachable (a mount gone):
/// tried again for two minutes, so a mount that comes back removes them instead of uploading them.
final class UnremovedTemporaries: Sendable {
    private let pending = Locked<(paths: [String: Date], retrying: Bool)>(([:], false))

    func discard(_ temporary: String) {
        if unlink(temporary) == 0 { return }
        let start = pending.withLock { state -> Bool in
            state.paths[temporary] = Date().addingTimeInterval(120)
            defer { state.retrying = true }
            return !state.retrying
        }
        if start { retry() }
    }

    private func retry() {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 0.25) { [self] in
            let paths = pending.withLock { Array($0.paths.keys) }
            let removed = paths.filter { unlink($0) == 0 }
            let more = pending.withLock { state -> Bool in
                let now = Date()
                for path in removed { state.paths.removeValue(forKey: path) }
                state.paths = state.paths.filter { $0.value > now }
                state.retrying = !state.paths.isEmpty
                return state.retrying
            }
            if more { retry() }
        }
    }
}
