import Foundation
import Testing
@testable import Workspace

@Suite struct VaultRootTests {
    @Test func rootIsCanonicalAndChecked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("real")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: directory.path + "/real")
        let root = try VaultRoot(directory.path + "/link/")
        #expect(root.path == directory.path + "/real")

        #expect(throws: PathError.rootIsFilesystemRoot) { try VaultRoot("/") }
        #expect(throws: PathError.rootNotFound(directory.path + "/missing")) { try VaultRoot(directory.path + "/missing") }
        let file = try directory.write("file.md", "x")
        #expect(throws: PathError.rootNotDirectory(file)) { try VaultRoot(file) }
    }

    @Test func plainPathsResolveInsideTheRoot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        #expect(try root.resolve(relativePath: "notes/a.md") == ResolvedPath(relative: "notes/a.md", absolute: directory.path + "/notes/a.md"))
        #expect(try root.resolve(relativePath: "./notes//a.md").relative == "notes/a.md")
        #expect(try root.resolve(relativePath: "name with spaces %2e%2e.md").relative == "name with spaces %2e%2e.md")
    }

    @Test func badRelativePathsAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        #expect(throws: PathError.empty) { try root.resolve(relativePath: "") }
        #expect(throws: PathError.empty) { try root.resolve(relativePath: "./") }
        #expect(throws: PathError.absolute("/etc/passwd")) { try root.resolve(relativePath: "/etc/passwd") }
        #expect(throws: PathError.parentTraversal("../x.md")) { try root.resolve(relativePath: "../x.md") }
        #expect(throws: PathError.parentTraversal("a/../../x.md")) { try root.resolve(relativePath: "a/../../x.md") }
        #expect(throws: PathError.parentTraversal("a/..")) { try root.resolve(relativePath: "a/..") }
        #expect(throws: PathError.nulByte) { try root.resolve(relativePath: "a\u{0}.md") }
        #expect(throws: PathError.backslash("..\\x.md")) { try root.resolve(relativePath: "..\\x.md") }
        // A combining mark after "/" makes one Character of "/\u{301}", but the kernel still splits at the byte.
        #expect(throws: PathError.parentTraversal("../\u{301}x")) { try root.resolve(relativePath: "../\u{301}x") }
        #expect(throws: PathError.tooLong) { try root.resolve(relativePath: String(repeating: "n", count: 300) + ".md") }
    }

    @Test func symlinksLeavingTheRootAreRefused() throws {
        let outside = try TemporaryDirectory()
        let directory = try TemporaryDirectory()
        defer { outside.remove(); directory.remove() }
        let secret = try outside.write("secret.md", "secret")
        try directory.makeDirectory("inside")
        let links = FileManager.default
        try links.createSymbolicLink(atPath: directory.path + "/file-out.md", withDestinationPath: secret)
        try links.createSymbolicLink(atPath: directory.path + "/dir-out", withDestinationPath: outside.path)
        try links.createSymbolicLink(atPath: directory.path + "/dir-in", withDestinationPath: directory.path + "/inside")
        try links.createSymbolicLink(atPath: directory.path + "/dangling.md", withDestinationPath: "/nonexistent/notebridge/x.md")
        let root = try VaultRoot(directory.path)

        #expect(throws: PathError.symlinkOutsideRoot("file-out.md")) { try root.resolve(relativePath: "file-out.md") }
        #expect(throws: PathError.symlinkOutsideRoot("dir-out/secret.md")) { try root.resolve(relativePath: "dir-out/secret.md") }
        #expect(throws: PathError.symlinkOutsideRoot("dir-out/new/note.md")) { try root.resolve(relativePath: "dir-out/new/note.md") }
        #expect(throws: PathError.danglingSymlink("dangling.md")) { try root.resolve(relativePath: "dangling.md") }
        #expect(try root.resolve(relativePath: "dir-in/new.md").absolute == directory.path + "/dir-in/new.md")
    }

    /// A hard link to a file outside the root cannot be told apart from a note (same inode, no path to check):
    /// it resolves, which is why the root should be a folder only its owner writes to.
    @Test func hardLinksResolveLikeAnyFile() throws {
        let outside = try TemporaryDirectory()
        let directory = try TemporaryDirectory()
        defer { outside.remove(); directory.remove() }
        let original = try outside.write("shared.md", "x")
        try FileManager.default.linkItem(atPath: original, toPath: directory.path + "/linked.md")
        #expect(try VaultRoot(directory.path).resolve(relativePath: "linked.md").relative == "linked.md")
    }

    @Test func urisResolveAfterPercentDecoding() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let base = "file://" + directory.path
        #expect(try root.resolve(uri: base + "/a%20b/c.md").relative == "a b/c.md")
        #expect(try root.resolve(uri: "file://localhost" + directory.path + "/x.md").relative == "x.md")
        #expect(try root.resolve(uri: "FILE://" + directory.path + "/x.md").relative == "x.md")
        #expect(try root.resolve(uri: "file:" + directory.path + "/x.md").relative == "x.md")
        #expect(try root.resolve(uri: base + "/caf%C3%A9.md").relative == "café.md")
    }

    @Test func badURIsAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        let base = "file://" + directory.path
        #expect(throws: PathError.parentTraversal("../etc/passwd")) { try root.resolve(uri: base + "/%2e%2e/etc/passwd") }
        #expect(throws: PathError.parentTraversal("a/../../x")) { try root.resolve(uri: base + "/a/%2E%2E/%2e%2e/x") }
        #expect(throws: PathError.notFileURI("https")) { try root.resolve(uri: "https://user:secret@example.com/x.md") }
        #expect(throws: PathError.notFileURI("untitled")) { try root.resolve(uri: "untitled:Untitled-1") }
        #expect(throws: PathError.malformedURI("file://otherhost" + directory.path + "/x.md")) { try root.resolve(uri: "file://otherhost" + directory.path + "/x.md") }
        #expect(throws: PathError.outsideRoot("/etc/passwd")) { try root.resolve(uri: "file:///etc/passwd") }
        #expect(throws: PathError.outsideRoot(directory.path + "-other/x.md")) { try root.resolve(uri: base + "-other/x.md") }
        #expect(throws: PathError.nulByte) { try root.resolve(uri: base + "/x%00.md") }
        #expect(throws: PathError.malformedURI(base + "/x%zz.md")) { try root.resolve(uri: base + "/x%zz.md") }
        #expect(throws: PathError.malformedURI(base + "/x%2")) { try root.resolve(uri: base + "/x%2") }
        #expect(throws: PathError.malformedURI(base + "/%ff.md")) { try root.resolve(uri: base + "/%ff.md") }
        #expect(throws: PathError.malformedURI(base + "/a.md?x=1")) { try root.resolve(uri: base + "/a.md?x=1") }
        #expect(throws: PathError.empty) { try root.resolve(uri: base) }
        #expect(throws: PathError.backslash("a\\b.md")) { try root.resolve(uri: base + "/a%5Cb.md") }
        #expect(!PathError.notFileURI("https").description.contains("secret"))
    }

    @Test func urisRoundTripWithSpacesAndUnicode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = try VaultRoot(directory.path)
        for relative in ["a b/c d.md", "café/ноты 1.md", "日本語.md", "100% #1?.md", "plus+and&=,;.md", "e\u{301}.md", "tab\there.md"] {
            let uri = root.uri(forRelativePath: relative)
            #expect(uri.hasPrefix("file:///"))
            #expect(!uri.contains(" ") && !uri.contains("#") && !uri.contains("?") && !uri.contains("\t"))
            #expect(Array(try root.resolve(uri: uri).relative.utf8) == Array(relative.utf8))
        }
        #expect(root.uri(forRelativePath: "a b/é.md") == "file://" + directory.path + "/a%20b/%C3%A9.md")
    }

    @Test func urisMayUseTheRootAsTheUserSpelledIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("real")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: directory.path + "/real")
        let root = try VaultRoot(directory.path + "/link")
        #expect(try root.resolve(uri: "file://" + directory.path + "/link/n.md") == ResolvedPath(relative: "n.md", absolute: directory.path + "/real/n.md"))
    }

    @Test func errorsReadWell() {
        #expect(PathError.parentTraversal("../x").description == "the path ../x contains '..', which is not allowed")
        #expect(PathError.rootIsFilesystemRoot.description.contains("must not be /"))
    }
}
