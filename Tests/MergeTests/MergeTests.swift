import Testing
@testable import Merge

@Test func moduleLoads() {}
