import Testing
@testable import Index

@Test func moduleLoads() {}
