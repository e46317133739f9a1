import Testing
@testable import Workspace

@Suite struct FileSystemKindTests {
    @Test func localFileSystemsAreNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let local = FileSystemKind.describe(path: directory.path)
        #expect(local.type != "unknown")
        #expect(!local.isFUSE)
        #expect(!local.isNetwork)
        #expect(FileSystemKind.describe(path: "/proc/self").type == "proc")
        #expect(FileSystemKind.describe(path: "/dev/shm").type == "tmpfs")
    }

    @Test func missingPathsAreUnknown() {
        #expect(FileSystemKind.describe(path: "/nonexistent/notebridge") == ("unknown", false, false))
    }
}
