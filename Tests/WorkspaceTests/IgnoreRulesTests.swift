import Foundation
import Testing
@testable import Workspace

/// Basic Memory's ignore rules (`ignore_utils.py`), as the scanner applies them.
@Suite struct IgnoreRulesTests {
    private let defaults = IgnoreRules(patterns: IgnoreRules.basicMemoryDefaults)

    @Test(arguments: ["build/a.md", "dist/x/y.md", "env/n.md", "venv/n.md", "node_modules/p/readme.md", "a/build/b.md",
                      "notes/draft.tmp", "x/__pycache__/y.md", "a/b~", "my.egg-info/n.md"])
    func basicMemorysDefaultsIgnore(path: String) {
        #expect(defaults.ignores(path))
    }

    @Test(arguments: ["notes/build-log.md", "builds/a.md", "a/environment.md", "docs/dist.md.md", "x.md"])
    func similarNamesAreNotIgnored(path: String) {
        #expect(!defaults.ignores(path))
    }

    @Test func gitignorePatternsMatchBasicMemorysWay() {
        let rules = IgnoreRules(patterns: ["/private/", "/top.md", "drafts/", "*.bak", "secret*", "docs/*.md", "[0-9]*.md"])
        #expect(rules.ignores("private/a.md"))
        #expect(!rules.ignores("x/private/a.md"))
        #expect(rules.ignores("top.md"))
        #expect(!rules.ignores("x/top.md"))
        #expect(rules.ignores("x/drafts/a.md"))
        #expect(rules.ignores("a/b.bak"))
        #expect(rules.ignores("a/secret-plan/n.md"))
        // fnmatch's * crosses folders, as Python's does.
        #expect(rules.ignores("docs/deep/n.md"))
        #expect(rules.ignores("2024 notes.md"))
        #expect(!rules.ignores("notes/n.md"))
        #expect(rules.ignoresEverythingUnder("x/drafts"))
        #expect(!rules.ignoresEverythingUnder("docs"))
    }

    @Test func theFileShortcutAgreesWhereTheFoldersAreNotIgnored() {
        let rules = IgnoreRules(patterns: IgnoreRules.basicMemoryDefaults + ["docs/*.md", "/top.md", "[0-9]*", "x?.md"])
        for path in ["a.md", "docs/a.md", "docs/sub/a.md", "top.md", "sub/top.md", "1.md", "sub/2.md", "xy.md",
                     "sub/xy.md", "notes/a.tmp", "n/b~", "n/config.json", "n/keep.md"] {
            let name = String(path.split(separator: "/").last!)
            #expect(rules.ignoresFile(path, name: name) == rules.ignores(path), "\(path)")
        }
    }

    @Test func patternFilesSkipCommentsAndUnescape() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("ignore", "# comment\n\n\\#literal\nspaced   \nkeep\\ \nlast")
        #expect(IgnoreRules.patternLines(atPath: file) == ["#literal", "spaced", "keep ", "last"])
    }

    @Test func aBmignoreReplacesTheDefaultsAndTheRootsGitignoreAdds() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("config/.bmignore", "only-this\n")
        try folder.write("root/.gitignore", "from-git/\n")
        let rules = IgnoreRules.load(root: folder.path + "/root", environment: ["BASIC_MEMORY_CONFIG_DIR": folder.path + "/config"])
        #expect(rules.ignores("only-this/a.md"))
        #expect(rules.ignores("x/from-git/a.md"))
        #expect(!rules.ignores("build/a.md"))
        let fallback = IgnoreRules.load(root: folder.path + "/root", environment: ["BASIC_MEMORY_CONFIG_DIR": folder.path + "/none"])
        #expect(fallback.ignores("build/a.md"))
        #expect(fallback.ignores("from-git/a.md"))
    }

    @Test func theScannerSkipsIgnoredFoldersAndReportsNamesThatAreNotUTF8() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for path in ["keep.md", "build/out.md", "node_modules/pkg/readme.md", "sub/dist/x.md", "sub/note.md", "skip.md"] {
            try folder.write(path, "x")
        }
        try folder.write(".gitignore", "skip.md\n")
        // A name with the lone byte 0xFF: not UTF-8.
        var bytes = Array((folder.path + "/sub/bad-").utf8) + [0xFF] + Array(".md".utf8) + [0]
        let descriptor = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let rules = IgnoreRules(patterns: IgnoreRules.basicMemoryDefaults + ["skip.md"])
        let scan = try VaultScanner.scan(path: folder.path, rules: rules)
        #expect(scan.files.map(\.relativePath) == ["keep.md", "sub/note.md"])
        #expect(scan.invalidNames == ["sub/bad-\\xFF.md"])
    }
}
