import Foundation
import Testing
import Index
import Vault
import Workspace

@Suite struct IndexLocationTests {
    @Test func usesTheCacheFolderAndAHashOfTheRoot() {
        let path = IndexLocation.defaultPath(forCanonicalRoot: "/home/u/notes", environment: ["XDG_CACHE_HOME": "/var/cache/u", "HOME": "/home/u"])
        #expect(path.hasPrefix("/var/cache/u/notebridge/"))
        #expect(path.hasSuffix(".sqlite"))
        #expect(path.split(separator: "/").last?.count == 16 + ".sqlite".count)
        let other = IndexLocation.defaultPath(forCanonicalRoot: "/home/u/other", environment: ["XDG_CACHE_HOME": "/var/cache/u"])
        #expect(other != path)
        #expect(IndexLocation.defaultPath(forCanonicalRoot: "/home/u/notes", environment: ["HOME": "/home/u"])
            .hasPrefix("/home/u/.cache/notebridge/"))
    }

    @Test func neverInsideTheRoot() {
        let path = IndexLocation.defaultPath(forCanonicalRoot: "/home/u", environment: ["HOME": "/home/u"])
        #expect(!path.hasPrefix("/home/u/"))
        let relativeXDG = IndexLocation.defaultPath(forCanonicalRoot: "/r", environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"])
        #expect(relativeXDG.hasPrefix("/h/.cache/notebridge/"))
    }

    @Test func aVaultRootUsesItsCanonicalPath() throws {
        let root = try VaultRoot(NSTemporaryDirectory())
        #expect(IndexLocation.defaultPath(forRoot: root, environment: ["HOME": "/h"])
            == IndexLocation.defaultPath(forCanonicalRoot: root.path, environment: ["HOME": "/h"]))
    }
}

@Test func aBareFileNameNeedsNoFolder() throws {
    try IndexLocation.prepareFolder(for: "index.sqlite")
}

@Test func aNamedIndexInAMissingFolderIsAnErrorNamingItAndCreatesNothing() throws {
    let base = NSTemporaryDirectory() + "notebridge-missing-\(UUID().uuidString)"
    let folder = base + "/no-such-folder"
    #expect {
        _ = try IndexDatabase.open(url: .sqlite(path: folder + "/idx.sqlite"), createsFolder: false)
    } throws: { error in
        "\(error)".contains(folder) && "\(error)".contains("does not exist")
    }
    #expect(!FileManager.default.fileExists(atPath: base))
    // The default location's folder is still made.
    _ = try IndexDatabase.open(url: .sqlite(path: folder + "/idx.sqlite"))
    #expect(FileManager.default.fileExists(atPath: folder + "/idx.sqlite"))
    try FileManager.default.removeItem(atPath: base)
}
