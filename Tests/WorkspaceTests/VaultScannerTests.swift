import Foundation
import Testing
import Workspace

@Suite struct VaultScannerTests {
    final class Folder {
        let path = NSTemporaryDirectory() + "notebridge-scan-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ file: String, _ text: String = "x") throws {
            let full = path + "/" + file
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
    }

    /// Names are read in place: copying each entry's whole 256-byte `d_name` read past the end of
    /// readdir's buffer, which crashed a bridge's first scan (SIGSEGV) once the buffer sat at the
    /// end of its memory. Many names of every length fill that buffer many times over; under
    /// AddressSanitizer (scripts/sanitizers.sh) the old read was a heap-buffer-overflow here.
    @Test func listsEveryNameOfAFolderThatFillsReaddirsBuffer() throws {
        let folder = try Folder()
        let names = (0..<1500).map { "n\($0)-" + String(repeating: "x", count: $0 % 240) + ".md" }
        for name in names { try folder.write(name) }
        #expect(try VaultScanner.scan(path: folder.path).files.map(\.relativePath) == names.sorted())
    }

    @Test func listsNotesWithSizeAndMtimeSkippingEverythingElse() throws {
        let folder = try Folder()
        try folder.write("top.md", "12345")
        try folder.write("a/b/deep note.md")
        try folder.write("a/picture.png")
        try folder.write("a/readme.MD.txt")
        try folder.write(".git/config.md")
        try folder.write(".obsidian/workspace.md")
        try folder.write("a/.hidden.md")
        try folder.write("a/note.conflict-laptop-20250101T120000Z.md")
        try folder.write("a/.note.md.nb-tmp-42")
        try folder.write("a/.md")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.md", withDestinationPath: folder.path + "/top.md")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/looped", withDestinationPath: folder.path)

        let scan = try VaultScanner.scan(VaultRoot(folder.path))
        #expect(scan.files.map(\.relativePath) == ["a/b/deep note.md", "top.md"])
        #expect(scan.unreadableFolders.isEmpty)
        let top = try #require(scan.files.last)
        #expect(top.size == 5)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.path + "/top.md")
        let modified = try #require(attributes[.modificationDate] as? Date)
        #expect(abs(Double(top.mtimeNanoseconds) / 1e9 - modified.timeIntervalSince1970) < 0.001)
    }

    @Test func missingRootIsAnError() {
        #expect(throws: VaultScanError.self) { _ = try VaultScanner.scan(path: "/nonexistent-notebridge-root") }
    }

    @Test func noteFileNames() {
        #expect(VaultScanner.isNoteFileName("a.md"))
        #expect(!VaultScanner.isNoteFileName(".a.md"))
        #expect(!VaultScanner.isNoteFileName("a.markdown"))
        #expect(!VaultScanner.isNoteFileName("a.conflict-x-1.md"))
        #expect(!VaultScanner.isNoteFileName(".md"))
    }
}
