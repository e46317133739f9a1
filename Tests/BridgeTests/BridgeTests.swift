import Testing
@testable import Bridge

@Test func moduleLoads() {}
