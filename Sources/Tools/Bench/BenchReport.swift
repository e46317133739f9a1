import Foundation
import JSON
import Vault

/// One measured value on one side: a latency distribution, or a ratio between two of them.
public enum BenchValue: Sendable, Equatable {
    case latency(BenchStats)
    case ratio(Double)

    public var json: JSONValue {
        switch self {
        case .latency(let stats): stats.json
        case .ratio(let ratio): ["ratio": .double(ratio)]
        }
    }
}

/// One row of the bench: a metric on the root's file system and on the local disk, and its goal.
public struct BenchMetric: Sendable, Equatable {
    public var key: String
    public var label: String
    public var root: BenchValue?
    public var local: BenchValue?
    /// The tail percentile the table shows next to the median (95 or 99).
    public var tail: Int
    /// The goal in words ("≤ 2× local"), and whether this run met it (nil: not judged).
    public var goal: String?
    public var met: Bool?

    /// Root median ÷ local median, for latencies measured on both sides.
    public var ratio: Double? {
        guard case .latency(let root)? = root, case .latency(let local)? = local, local.p50 > 0 else { return nil }
        return root.p50 / local.p50
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["label": .string(label), "root": root?.json ?? .null, "local": local?.json ?? .null,
                                           "goal": JSONValue(goal), "met": met.map { .bool($0) } ?? .null]
        object["ratio"] = ratio.map { .double($0) } ?? .null
        return .object(object)
    }
}

/// Everything one `notebridge bench` run measured, and where.
public struct BenchReport: Sendable {
    public var machine: [String: String]
    public var rootPath: String
    public var rootFileSystem: String
    public var localPath: String
    public var localFileSystem: String
    public var index: String
    public var pollInterval: Double
    public var notes: [String]
    public var metrics: [BenchMetric]

    public var json: JSONValue {
        [
            "machine": .object(machine.mapValues { .string($0) }),
            "root": ["path": .string(rootPath), "filesystem": .string(rootFileSystem)],
            "local": ["path": .string(localPath), "filesystem": .string(localFileSystem)],
            "index": .string(index), "pollInterval": .double(pollInterval),
            "notes": .array(notes.map { .string($0) }),
            "metrics": .object(Dictionary(uniqueKeysWithValues: metrics.map { ($0.key, $0.json) })),
        ]
    }

    /// A plain-text table: medians and tails in milliseconds, ratio root ÷ local, goals marked ✓ or ✗.
    public var table: String {
        var rows = [["metric", "root p50", "root tail", "local p50", "local tail", "root÷local", "goal"]]
        for metric in metrics {
            let mark = metric.met.map { $0 ? " ✓" : " ✗" } ?? ""
            rows.append([metric.label] + Self.cells(metric.root, tail: metric.tail) + Self.cells(metric.local, tail: metric.tail)
                + [metric.ratio.map { String(format: "%.2f×", $0) } ?? "", (metric.goal ?? "") + mark])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 || column == row.count - 1 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var header = ["root:  \(rootPath) (\(rootFileSystem))", "local: \(localPath) (\(localFileSystem))", "index: \(index)",
                      "machine: " + machine.keys.sorted().map { "\($0) \(machine[$0]!)" }.joined(separator: ", "),
                      "times in ms; tail = p95 (p99 for search)"]
        header += notes.map { "note: \($0)" }
        return (header + [""] + lines).joined(separator: "\n")
    }

    private static func cells(_ value: BenchValue?, tail: Int) -> [String] {
        switch value {
        case .latency(let stats)?: [format(stats.p50), format(tail == 99 ? stats.p99 : stats.p95)]
        case .ratio(let ratio)?: [String(format: "%.2f×", ratio), ""]
        case nil: ["", ""]
        }
    }

    private static func format(_ milliseconds: Double) -> String {
        milliseconds >= 100 ? String(format: "%.0f", milliseconds) : milliseconds >= 1 ? String(format: "%.2f", milliseconds)
            : String(format: "%.3f", milliseconds)
    }
}
