import Foundation
import Index
import Vault

/// Search latency over an index: a mix of the query forms people type (words, two words, a prefix,
/// a phrase, an exclusion, a tag, a folder), built from the titles and tags the index holds.
package struct BenchSearch {
    package let index: NoteIndex
    package let queries: Int
    package let seconds: Double

    package func run() throws -> [Double] {
        let mix = try Self.queries(from: index, count: queries)
        return try BenchLoop(count: mix.count, seconds: seconds).measure { i in
            _ = try index.search(SearchRequest(text: mix[i], limit: 20))
        }
    }

    /// `count` queries, deterministic for a given index.
    package static func queries(from index: NoteIndex, count: Int) throws -> [String] {
        let titles = try index.executor.execute(SQLStatement("SELECT title FROM notes ORDER BY id LIMIT 500")).rows
        let tagRows = try index.executor.execute(SQLStatement("SELECT DISTINCT tag FROM tags ORDER BY tag LIMIT 100")).rows
        let folderRows = try index.executor.execute(SQLStatement("SELECT DISTINCT folder FROM notes WHERE folder <> '' ORDER BY folder LIMIT 50")).rows
        var words = titles.flatMap { row -> [String] in
            guard case .text(let title)? = row.first else { return [] }
            return title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }.filter { $0.count >= 3 }
        }
        if words.isEmpty { words = ["note", "project", "meeting", "idea", "coffee", "design", "search", "travel"] }
        let tags = tagRows.compactMap { row -> String? in if case .text(let tag)? = row.first { tag } else { nil } }
        let folders = folderRows.compactMap { row -> String? in if case .text(let folder)? = row.first { folder } else { nil } }
        var generator = SplitMix(seed: 0x6E6F7465)
        func word() -> String { words[Int(generator.next() % UInt64(words.count))] }
        var mix: [String] = []
        mix.reserveCapacity(count)
        for i in 0..<count {
            switch i % 8 {
            case 0, 1: mix.append(word())
            case 2: mix.append("\(word()) \(word())")
            case 3: mix.append(String(word().prefix(3)) + "*")
            case 4: mix.append("\"\(word()) \(word())\"")
            case 5: mix.append("\(word()) -\(word())")
            case 6: mix.append(tags.isEmpty ? word() : "tag:\(tags[Int(generator.next() % UInt64(tags.count))])")
            default: mix.append(folders.isEmpty ? word() : "in:\(folders[Int(generator.next() % UInt64(folders.count))])/ \(word())")
            }
        }
        return mix
    }
}

/// A small deterministic random generator (SplitMix64), so every run asks the same queries.
package struct SplitMix {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
