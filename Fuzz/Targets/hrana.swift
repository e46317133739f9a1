// libFuzzer target: decoding Hrana-over-HTTP pipeline answers (what a Turso server, or anything
// pretending to be one, sends back).
// Invariants: any body decodes to results or a HranaDecodingError, never a crash.
@testable import Index
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = Int(data[0])
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    // The first byte picks how many requests the pipeline had and how many statements its batch ran.
    let requests = 1 + control % 3
    let statements = control / 3 % 5
    guard let results = try? HranaPipeline.results(from: body, expecting: requests) else { return 0 }
    for case .ok(let response) in results {
        _ = try? HranaPipeline.executeRows(response)
        _ = try? HranaPipeline.transactionOutcome(response, statementCount: statements)
    }
    if let json = try? JSONValue.parse(body) {
        _ = try? HranaValue.decode(json)
        if case .string(let text)? = json["base64"], let bytes = Base64.decode(text) {
            if Base64.decode(Base64.encode(bytes)) != bytes { fatalError("fuzz invariant: base64 round trip") }
        }
    }
    return 0
}
