import Testing
@testable import JSON

@Test func roundTripsLargeIntegers() throws {
    let v = try JSONValue.parse("[9007199254740993, -9223372036854775808, 9223372036854775807, 1.5]")
    #expect(v == [.integer(9_007_199_254_740_993), .integer(Int64.min), .integer(Int64.max), .double(1.5)])
    #expect(try JSONValue.parse(v.serialized()) == v)
    #expect(v.serializedString() == "[9007199254740993,-9223372036854775808,9223372036854775807,1.5]")
}

@Test func integersBeyondInt64AreRefusedWithAReason() {
    #expect(throws: JSONParseError.self) { try JSONValue.parse("[18446744073709551616]") }
}

@Test func floatsRoundTripExactly() throws {
    let values: [Double] = [0.1, -2.5e-300, 1.7976931348623157e308, 3.0, -0.0, 123456.789]
    let parsed = try JSONValue.parse(JSONValue.array(values.map(JSONValue.double)).serialized())
    #expect(parsed.arrayValue?.compactMap(\.doubleValue) == values)
    #expect(try JSONValue.parse("3.0") == .double(3.0))
    #expect(try JSONValue.parse("1e2") == .double(100))
    #expect(JSONValue.double(.nan).serializedString() == "null")
    #expect(JSONValue.double(.infinity).serializedString() == "null")
}

@Test func escapesAndSurrogatePairsDecode() throws {
    let v = try JSONValue.parse(#"["caf\u00e9", "\ud83d\ude00", "tab\there", "quote\"back\\slash", "\u2028"]"#)
    #expect(v == ["café", "😀", "tab\there", "quote\"back\\slash", "\u{2028}"])
    #expect(try JSONValue.parse(v.serialized()) == v)
    #expect(JSONValue.string("a\"b\\c\n\u{1}").serializedString() == #""a\"b\\c\n\u0001""#)
}

@Test func loneSurrogatesAndInvalidUTF8AreRefused() {
    #expect(throws: JSONParseError.self) { try JSONValue.parse(#"["\ud83d"]"#) }
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    #expect(error?.message.hasPrefix("not UTF-8") == true)
}

@Test func embeddedNULSurvivesInStrings() throws {
    let v = try JSONValue.parse(#"{"k": "x\u0000y", "list": ["\u0000"]}"#)
    #expect(v == ["k": "x\u{0}y", "list": ["\u{0}"]])
    #expect(JSONValue.string("x\u{0}y").serializedString() == #""x\u0000y""#)
    #expect(try JSONValue.parse(v.serialized()) == v)
    // jansson cannot hold NUL in object keys: refused as a parse error, not truncated.
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(#"{"a\u0000b": 1}"#) }
    #expect(error?.message.contains("NUL") == true)
}

@Test func deepNestingIsRefusedWithoutOverflowingTheStack() throws {
    let depth = 100_000
    let hostile = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(hostile) }
    #expect(error?.message.contains("depth") == true)
    let unclosed = [UInt8](repeating: UInt8(ascii: "{"), count: depth)
    #expect(throws: JSONParseError.self) { try JSONValue.parse(unclosed) }
    let fine = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
    #expect(try JSONValue.parse(fine).serializedString() == fine)
}

@Test func malformedTextIsRefusedWithAPosition() {
    for text in ["", "  ", "{", "[1,]", "{\"a\" 1}", "tru", "[1] [2]", "'x'", "01"] {
        #expect(throws: JSONParseError.self, "\(text)") { try JSONValue.parse(text) }
    }
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse("{\n  \"a\": ?\n}") }
    #expect(error?.line == 2)
}

@Test func scalarsAndContainersRoundTrip() throws {
    let v: JSONValue = ["": "empty key", "null": nil, "t": true, "f": false, "n": -12, "s": "", "a": [], "o": [:],
                        "nested": ["list": [1, "two", 3.5, nil, ["deep": true]]]]
    #expect(try JSONValue.parse(v.serialized()) == v)
    #expect(try JSONValue.parse("\"top-level string\"") == "top-level string")
    var bytes = Array("prefix:".utf8)
    JSONValue.integer(5).append(to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == "prefix:5")
}
