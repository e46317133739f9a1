import Testing
@testable import Workspace

@Test func moduleLoads() {}
