import Foundation
import Testing
@testable import Workspace

@Suite struct DeviceIDTests {
    @Test func createdOnceThenStable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path + "/state/notebridge"
        let first = DeviceID.current(stateDirectory: state)
        #expect(first.range(of: #"^[A-Za-z0-9._-]+-[0-9a-f]{6}$"#, options: .regularExpression) != nil)
        #expect(directory.read("state/notebridge/device-id") == first + "\n")
        #expect(DeviceID.current(stateDirectory: state) == first)
        #expect(directory.entries("state/notebridge") == ["device-id"])
    }

    @Test func aStoredNameIsReadAndSanitised() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("device-id", "  work laptop\n")
        #expect(DeviceID.current(stateDirectory: directory.path) == "work-laptop")
    }

    @Test func anUnwritableStateFolderStillGivesAName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("file", "x")
        #expect(!DeviceID.current(stateDirectory: directory.path + "/file/notebridge").isEmpty)
    }
}
