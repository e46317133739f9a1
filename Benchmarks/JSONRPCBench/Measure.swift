/// Timings of repeated runs of one operation.
struct Measurement {
    let name: String
    let codec: String
    let samples: [Duration]

    var perSecond: Double { Double(samples.count) / seconds(samples.reduce(.zero, +)) }
    var meanMicros: Double { seconds(samples.reduce(.zero, +)) / Double(samples.count) * 1e6 }
    func percentileMicros(_ p: Double) -> Double {
        let sorted = samples.sorted()
        return seconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) * 1e6
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Runs `body` for a warm-up and then for about `budget` seconds, timing each call.
func measure(_ name: String, _ codec: String, budget: Double = 1.5, _ body: () -> Void) -> Measurement {
    let clock = ContinuousClock()
    for _ in 0..<20 { body() }
    var samples: [Duration] = []
    let end = clock.now.advanced(by: .milliseconds(Int(budget * 1000)))
    while clock.now < end {
        let start = clock.now
        body()
        samples.append(clock.now - start)
    }
    return Measurement(name: name, codec: codec, samples: samples)
}
