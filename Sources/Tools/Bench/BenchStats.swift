import Foundation
import JSON
import Vault

/// Summary of one metric's samples, in milliseconds.
public struct BenchStats: Sendable, Equatable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var mean: Double
    public var max: Double

    /// nil for no samples. Percentiles by the nearest-rank method.
    public init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double { sorted[Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        count = sorted.count
        p50 = rank(0.50)
        p95 = rank(0.95)
        p99 = rank(0.99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
        max = sorted[sorted.count - 1]
    }

    public var json: JSONValue {
        ["count": JSONValue(count), "p50_ms": .double(p50), "p95_ms": .double(p95), "p99_ms": .double(p99),
         "mean_ms": .double(mean), "max_ms": .double(max)]
    }
}

/// Runs a measured step at most `count` times and for at most `seconds` (whichever ends first),
/// with untimed setup before each step; returns the timings in milliseconds.
package struct BenchLoop {
    package var count: Int
    package var seconds: Double

    package func measure(setup: (Int) throws -> Void = { _ in }, _ step: (Int) throws -> Void) rethrows -> [Double] {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for iteration in 0..<count {
            if iteration > 0, clock.now >= deadline { break }
            try setup(iteration)
            let started = clock.now
            try step(iteration)
            samples.append((clock.now - started).milliseconds)
        }
        return samples
    }
}

/// Something the bench could not do; the message says what and why.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    package init(_ description: String) { self.description = description }
}
