import Testing
@testable import Merge

@Suite struct KeptChangesTests {
    private let parent = "title\none\ntwo\n"

    @Test func aTextBuiltOnTheVersionKeepsItsChanges() {
        let version = parent + "added by the save\n"
        #expect(KeptChanges.keeps(changesFrom: parent, to: version, in: version + "and more\n"))
        #expect(KeptChanges.keeps(changesFrom: parent, to: version, in: "moved first\n" + version))
        #expect(KeptChanges.keeps(changesFrom: parent, to: version, in: version))
    }

    @Test func aTextBuiltOnTheParentLosesTheVersionsAddition() {
        let version = parent + "added by the save\n"
        #expect(!KeptChanges.keeps(changesFrom: parent, to: version, in: parent + "written elsewhere\n"))
    }

    @Test func aRewrittenLineMustStayRewritten() {
        let version = "title\nONE\ntwo\n"
        #expect(KeptChanges.keeps(changesFrom: parent, to: version, in: version + "three\n"))
        #expect(!KeptChanges.keeps(changesFrom: parent, to: version, in: parent + "three\n"))  // "one" is back
    }

    @Test func repeatedLinesAreCounted() {
        let version = parent + "two\n"  // a second "two"
        #expect(KeptChanges.keeps(changesFrom: parent, to: version, in: version))
        #expect(!KeptChanges.keeps(changesFrom: parent, to: version, in: parent))
        let removed = "title\none\n"  // the only "two" removed
        #expect(!KeptChanges.keeps(changesFrom: parent, to: removed, in: parent))
        #expect(KeptChanges.keeps(changesFrom: parent, to: removed, in: removed + "new\n"))
    }
}
