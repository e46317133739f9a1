import Testing
@testable import JSON

@Test func roundTripsLargeIntegers() throws {
    let v = try JSONValue.parse("[9007199254740993, -9223372036854775808, 1.5]")
    #expect(v == [.integer(9_007_199_254_740_993), .integer(Int64.min), .double(1.5)])
    #expect(try JSONValue.parse(v.serialized()) == v)
}
