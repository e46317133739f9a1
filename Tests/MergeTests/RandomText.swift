/// A small deterministic generator (SplitMix64), so random tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random line-based texts and edits for property tests. Lines are stored without terminators.
enum RandomText {
    static func lines(count: Int, alphabet: [String], using generator: inout SeededGenerator) -> [String] {
        (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
    }

    /// A few random replacements, deletions and insertions of lines drawn from the same small alphabet.
    static func edit(_ lines: [String], using generator: inout SeededGenerator) -> [String] {
        var result = lines
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            let word = ["a", "b", "c", "d", "e"].randomElement(using: &generator)!
            switch Int.random(in: 0..<3, using: &generator) {
            case 0 where !result.isEmpty: result[Int.random(in: 0..<result.count, using: &generator)] = word
            case 1 where !result.isEmpty: result.remove(at: Int.random(in: 0..<result.count, using: &generator))
            default: result.insert(word, at: Int.random(in: 0...result.count, using: &generator))
            }
        }
        return result
    }

    /// Joins lines with "\n"; every text ends with a newline except when the last line is "d" (to cover both).
    static func join(_ lines: [String]) -> String {
        guard let last = lines.last else { return "" }
        return lines.joined(separator: "\n") + (last == "d" ? "" : "\n")
    }

    /// Splits text into lines that keep their "\n".
    static func split(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
