import Foundation
import JSONRPC
import Support

// swift run -c release jsonrpc-bench
Log.level = .error

func cpuModel() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
        ?? "unknown"
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - s.count))
    return right ? padding + s : s + padding
}

func number(_ x: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", x) }

print("machine: \(ProcessInfo.processInfo.activeProcessorCount) CPUs (nproc), \(cpuModel())")
let sizes = CodecBench.sizes()
print("messages: didChange frame \(sizes.didChange) bytes; completion response frame \(sizes.completion) bytes\n")

print("parse → dispatch → serialize (one thread)")
print(pad("message", 28) + pad("codec", 12) + pad("msgs/s", 10, right: true) + pad("mean µs", 10, right: true)
    + pad("p50 µs", 10, right: true) + pad("p99 µs", 10, right: true))
for m in CodecBench.run() {
    print(pad(m.name, 28) + pad(m.codec, 12) + pad(number(m.perSecond), 10, right: true)
        + pad(number(m.meanMicros, 1), 10, right: true) + pad(number(m.percentileMicros(0.5), 1), 10, right: true)
        + pad(number(m.percentileMicros(0.99), 1), 10, right: true))
}

print("\nsmall requests through Connection.run over pipes (client writer + reader threads)")
let count = 200_000
_ = LoopBench.run(count: 10_000, viaTask: false)
for (label, viaTask) in [("respond() on the reader thread", false), ("answer() in a Task", true)] {
    let rate = LoopBench.run(count: count, viaTask: viaTask)
    print(pad(label, 34) + pad(number(rate), 10, right: true) + " requests/s  (\(count) requests, goal ≥ 50,000/s)")
}
