import Testing
@testable import Notes

@Suite struct PermalinkTests {
    @Test(arguments: [
        ("specs/API (v2).md", "specs/api-v2"),
        ("CamelCase Title.md", "camel-case-title"),
        ("docs/My Feature.md", "docs/my-feature"),
        ("design/unified_model_refactor.md", "design/unified-model-refactor"),
        ("MIXED_CASE_NAME.md", "mixed-case-name"),
        ("spaces and_underscores.md", "spaces-and-underscores"),
        ("deep/multi_word_dir/leaf_name.md", "deep/multi-word-dir/leaf-name"),
        ("Version 2.0.0", "version-2.0.0"),
        ("release notes v1.2.md", "release-notes-v1.2"),
        ("a -- b  c.md", "a-b-c"),
        ("-leading and trailing-.md", "leading-and-trailing"),
        ("Ann's Notes.md", "anns-notes"),
        ("what? really!.md", "what-really"),
        ("iPhoneSetup.md", "i-phone-setup"),
        ("HTTPServer.md", "httpserver"),
        ("x1Y.md", "x1-y"),
        ("image.PNG", "image"),
    ])
    func asciiPaths(path: String, expected: String) {
        #expect(Permalink.generate(fromPath: path) == expected)
    }

    @Test(arguments: [
        ("test/Über File.md", "test/uber-file"),
        ("docs/résumé.md", "docs/resume"),
        ("notes/Déjà vu.md", "notes/deja-vu"),
        ("papers/Jürgen's Findings.md", "papers/jurgens-findings"),
        ("papers/Jürgen’s Findings.md", "papers/jurgens-findings"),
        ("research/Søren Kierkegård.md", "research/soren-kierkegard"),
        ("ArticlesElNiño.md", "articles-el-nino"),
        ("articleselniño.md", "articleselnino"),
        ("Straße.md", "strasse"),
        ("Привет мир.md", "privet-mir"),
        ("party 🎉 time.md", "party-time"),
        // Unidecode's table, as Basic Memory uses it, for every script.
        ("Жизнь.md", "zhizn"),
        ("Царь.md", "tsar"),
        ("Χάος.md", "khaos"),
        ("한국어.md", "hangugeo"),
        ("€100.md", "eur100"),
        ("x² squared.md", "x2-squared"),
        ("עברית.md", "bryt"),
        ("ไทย.md", "aithy"),
        ("™ ° × ①.md", "tm-deg-x-1"),
        ("....md", "....md"),
    ])
    func accentsAndOtherScriptsBecomeASCII(path: String, expected: String) {
        #expect(Permalink.generate(fromPath: path) == expected)
    }

    @Test(arguments: [
        ("中文/测试文档.md", "中文/测试文档"),
        ("docs/中文 English Mixed.md", "docs/中文-english-mixed"),
        ("articles/东京Tokyo混合.md", "articles/东京-tokyo-混合"),
        ("papers/汉字_underscore_test.md", "papers/汉字-underscore-test"),
        ("projects/中文CamelCase测试.md", "projects/中文-camel-case-测试"),
        ("mixed/北京Café.md", "mixed/北京-cafe"),
        ("research/München中文.md", "research/munchen-中文"),
        ("special/中文!@#$%^&*()_+.md", "special/中文"),
        ("punctuation/你好，世界!.md", "punctuation/你好世界"),
    ])
    func cjkIsKept(path: String, expected: String) {
        #expect(Permalink.generate(fromPath: path) == expected)
    }

    @Test func decomposedInputIsNormalisedFirst() {
        // "é" written as e + combining acute (as macOS file names often are).
        #expect(Permalink.generate(fromPath: "Cafe\u{301}.md") == "cafe")
    }

    @Test func normalizeSlugsFreeText() {
        #expect(Permalink.normalize("My Great Idea") == "my-great-idea")
        #expect(Permalink.normalize("folder/Some Note.md") == "folder/some-note")
        #expect(Permalink.normalize("Version 2.0") == "version-2.0")
        #expect(Permalink.normalize("") == "")
    }
}

@Suite struct ChecksumTests {
    @Test func knownVectors() {
        #expect(Checksum.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Checksum.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func nonContiguousCollectionsHashTheSame() {
        #expect(Checksum.sha256("abc".utf8) == Checksum.sha256(Array("abc".utf8)))
        #expect(Checksum.sha256(Array("xabcx".utf8).dropFirst().dropLast()) == Checksum.sha256(Array("abc".utf8)))
    }
}

@Test func md5MatchesKnownVectors() {
    #expect(Checksum.md5([]) == "d41d8cd98f00b204e9800998ecf8427e")
    #expect(Checksum.md5(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
}
