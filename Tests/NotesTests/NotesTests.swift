import Testing
@testable import Notes

@Test func moduleLoads() {}
