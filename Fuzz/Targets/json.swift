// libFuzzer target: the JSON layer (jansson underneath).
// Invariants: parsing any bytes gives a value or an error, never a crash; a parsed value
// serializes to JSON that parses back to the same value. (Bytes may differ between two
// serializations: object members come out in dictionary order.)
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let text = value.serialized()
    let again: JSONValue
    do { again = try JSONValue.parse(text) } catch {
        fatalError("fuzz invariant: serialized JSON does not parse: \(error)")
    }
    check(same(value, again), "the round trip changed the value")
    return 0
}

/// Equality that treats NaN-free doubles by bit pattern except for ±0 (JSON keeps the sign).
private func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)): return x == y && x.sign == y.sign
    case (.array(let xs), .array(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy(same)
    case (.object(let xs), .object(let ys)):
        return xs.count == ys.count && xs.allSatisfy { key, x in ys[key].map { same(x, $0) } ?? false }
    default: return a == b
    }
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}
