import Foundation
import Glibc
import Testing
@testable import Workspace

/// The one reader refuses bytes that may not be a version anyone finished writing.
@Suite(.serialized) struct NoteFileTests {
    @Test func aSettledFileIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("note.md", "# Note\n\nÜnïcødé 🚀\n")
        let file = try #require(try NoteFile.read(VaultRoot(directory.path).resolve(relativePath: "note.md")))
        #expect(file.text == "# Note\n\nÜnïcødé 🚀\n")
        #expect(file.size == Int64(file.bytes.count))
    }

    @Test func aMissingFileIsNil() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try NoteFile.read(VaultRoot(directory.path).resolve(relativePath: "gone.md")) == nil)
    }

    @Test func aFileSomeoneStillHasOpenForWritingIsUnsettled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let full = try directory.write("note.md", "half a line")
        let writer = open(full, O_WRONLY | O_APPEND)
        try #require(writer >= 0)
        let path = try VaultRoot(directory.path).resolve(relativePath: "note.md")
        #expect(throws: NoteFileUnsettled(path: "note.md", reason: .openForWriting)) { try NoteFile.read(path) }
        close(writer)
        #expect(try NoteFile.read(path)?.text == "half a line")
    }

    @Test func nulBytesAreATornReadNotANote() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("note.md", "old version\n" + String(repeating: "\0", count: 32))
        let path = try VaultRoot(directory.path).resolve(relativePath: "note.md")
        #expect(throws: NoteFileUnsettled(path: "note.md", reason: .nulBytes)) { try NoteFile.read(path) }
    }
}
