import Foundation
import Index
import Notes
import Vault
import Workspace

/// A save through the bridge's own save path (temp file, compare-and-swap in the index, rename)
/// against the plain temp-file-and-rename an editor does, alternating the two on one folder.
package struct BenchSave {
    package let root: VaultRoot
    package let index: NoteIndex
    /// The bench's folder, relative to `root`.
    package let folder: String
    package let loop: BenchLoop

    package struct Result {
        var bridge: [Double]
        var plain: [Double]
        /// The plain save plus an fsync of the folder, which the bridge does so a rename survives a crash.
        var plainDurable: [Double]
    }

    package func run() throws -> Result {
        let saver = VaultContext(root: root, index: index, device: "notebridge-bench").saver
        let note = try root.resolve(relativePath: "\(folder)/save.md")
        let plainTarget = try root.resolve(relativePath: "\(folder)/plain.txt")
        var base: (version: Int64, checksum: String?, text: String?) = (0, nil, nil)
        var bridge: [Double] = []
        var plain: [Double] = []
        var plainDurable: [Double] = []
        let clock = ContinuousClock()
        let timed = BenchLoop(count: loop.count, seconds: loop.seconds)
        _ = try timed.measure { i in
            let text = Self.note(i)
            var started = clock.now
            let output = try saver.save(SaveInput(path: note, text: text, baseVersion: base.version, baseChecksum: base.checksum,
                                                  baseText: base.text, force: false), deadline: Date().addingTimeInterval(30))
            bridge.append((clock.now - started).milliseconds)
            guard output.status == .saved else { throw BenchError("a bench save came back \(output.status.rawValue), not saved") }
            base = (output.record.version, output.record.checksum, output.text)

            started = clock.now
            try Self.plainSave(Array(text.utf8), to: plainTarget.absolute)
            plain.append((clock.now - started).milliseconds)

            started = clock.now
            try Self.plainSave(Array(text.utf8), to: plainTarget.absolute, syncFolder: true)
            plainDurable.append((clock.now - started).milliseconds)
        }
        return Result(bridge: bridge, plain: plain, plainDurable: plainDurable)
    }

    /// A Basic Memory note that differs each round.
    package static func note(_ round: Int) -> String {
        """
        ---
        title: Bench note
        type: note
        ---
        # Bench note

        - [round] \(round) #bench
        - [fact] notebridge measures its save path against a plain temp file and rename
        - relates_to [[Bench note]]

        \(String(repeating: "Text of a note of about the usual size. ", count: 25))
        """
    }

    /// What an editor does: write a temp file beside the target, fsync, close, rename over it
    /// (and, with `syncFolder`, fsync the folder so the rename itself is on disk).
    package static func plainSave(_ bytes: [UInt8], to target: String, syncFolder: Bool = false) throws {
        let temporary = (target as NSString).deletingLastPathComponent + "/.plain-save.tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BenchError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, target) == 0 else {
            throw BenchError("cannot save \(target): \(String(cString: strerror(errno)))")
        }
        if syncFolder {
            let folder = open((target as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
        }
    }
}
