/// `` `code` `` spans as CommonMark finds them: a run of n backticks is closed by the next run of
/// exactly n; an unmatched run is literal text; outside code a backslash escapes the next byte.
enum CodeSpans {
    /// The spans in `from..<to`, in order. Linear: the next run of each length is looked up in a
    /// table built from the end, instead of searching forward from every run.
    static func find(_ bytes: [UInt8], _ from: Int, _ to: Int) -> [Range<Int>] {
        var runs: [(start: Int, length: Int)] = []
        var i = from
        while i < to {
            let byte = bytes[i]
            if byte == ASCII.backslash {
                i += 2
                continue
            }
            guard byte == ASCII.backtick else { i += 1; continue }
            var j = i
            while j < to, bytes[j] == ASCII.backtick { j += 1 }
            runs.append((i, j - i))
            i = j
        }
        guard runs.count > 1 else { return [] }
        var nextSameLength = [Int?](repeating: nil, count: runs.count)
        var lastByLength: [Int: Int] = [:]
        for index in runs.indices.reversed() {
            nextSameLength[index] = lastByLength[runs[index].length]
            lastByLength[runs[index].length] = index
        }
        var spans: [Range<Int>] = []
        var index = 0
        while index < runs.count {
            guard let closer = nextSameLength[index] else { index += 1; continue }
            spans.append(runs[index].start..<(runs[closer].start + runs[closer].length))
            index = closer + 1
        }
        return spans
    }

    /// The span in `spans` (sorted, disjoint) holding `offset`.
    static func containing(_ offset: Int, _ spans: [Range<Int>]) -> Range<Int>? {
        var low = 0, high = spans.count
        while low < high {
            let mid = (low + high) / 2
            if spans[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low < spans.count && spans[low].contains(offset) ? spans[low] : nil
    }
}
