// libFuzzer target: the 3-way line merge.
// Invariants: with one side unchanged the merge is the other side; both sides equal merge to
// that side; every base line neither side touched is in the result, in order; every line a side
// added is in the result, in order (a clean merge applies it, a conflict shows it); a conflict
// hunk holds exactly that side's lines, and the marked text shows both sides of every hunk.
import Merge

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Three texts separated by NUL bytes; a missing one is the base.
    let parts = UnsafeBufferPointer(start: data, count: size).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    let base = parts[0]
    let ours = parts.count > 1 ? parts[1] : base
    let theirs = parts.count > 2 ? parts[2] : base

    check(ThreeWayMerge.merge(base: base, ours: base, theirs: theirs) == .clean(theirs), "only theirs changed, yet not theirs")
    check(ThreeWayMerge.merge(base: base, ours: ours, theirs: base) == .clean(ours), "only ours changed, yet not ours")
    check(ThreeWayMerge.merge(base: base, ours: ours, theirs: ours) == .clean(ours), "both made the same change, yet not that")

    let result = ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs)
    let text: String
    switch result {
    case .clean(let merged):
        text = merged
    case .conflict(let hunks, let marked):
        text = marked
        let oursLines = lines(ours)
        let theirsLines = lines(theirs)
        for hunk in hunks {
            check(hunk.oursLines.upperBound <= oursLines.count && hunk.theirsLines.upperBound <= theirsLines.count,
                  "a hunk points past the end of a side")
            check(hunk.ours == oursLines[hunk.oursLines].joined(), "a hunk's ours is not our lines")
            check(hunk.theirs == theirsLines[hunk.theirsLines].joined(), "a hunk's theirs is not their lines")
            check(hunk.ours != hunk.theirs, "a hunk whose sides are equal")
        }
        check(appearInOrder(hunks.flatMap { [$0.ours, $0.theirs] }, in: marked), "the marked text drops a side of a hunk")
    }
    let baseLines = lines(base)
    let keptByOurs = kept(baseLines, lines(ours))
    let keptByTheirs = kept(baseLines, lines(theirs))
    let untouched = baseLines.indices.filter { keptByOurs.contains($0) && keptByTheirs.contains($0) }.map { baseLines[$0] }
    check(appearInOrder(untouched, in: text), "a line neither side changed is missing")
    check(appearInOrder(added(baseLines, lines(ours)), in: text), "a line ours added is missing")
    check(appearInOrder(added(baseLines, lines(theirs)), in: text), "a line theirs added is missing")
    return 0
}

/// Lines with their terminators; joining them gives the text back.
private func lines(_ text: String) -> [Substring] {
    var result: [Substring] = []
    var start = text.startIndex
    for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: "\n") {
        let next = text.utf8.index(after: index)
        result.append(text[start..<next])
        start = next
    }
    if start < text.endIndex { result.append(text[start...]) }
    return result
}

private func difference(_ old: [Substring], _ new: [Substring]) -> CollectionDifference<Substring> {
    new.difference(from: old) { $0.utf8.elementsEqual($1.utf8) }
}

/// Indices of `old` lines that `new` keeps.
private func kept(_ old: [Substring], _ new: [Substring]) -> Set<Int> {
    var indices = Set(old.indices)
    for case .remove(let offset, _, _) in difference(old, new) { indices.remove(offset) }
    return indices
}

/// The lines `new` adds to `old`, in order.
private func added(_ old: [Substring], _ new: [Substring]) -> [Substring] {
    difference(old, new).insertions.map { change in
        guard case .insert(_, let line, _) = change else { fatalError() }
        return line
    }
}

/// Whether each piece occurs in `text` (as bytes) after the previous one.
private func appearInOrder(_ pieces: [some StringProtocol], in text: String) -> Bool {
    let haystack = Array(text.utf8)
    var from = 0
    for piece in pieces {
        let needle = Array(piece.utf8)
        guard !needle.isEmpty else { continue }
        guard let found = find(needle, in: haystack, from: from) else { return false }
        from = found + needle.count
    }
    return true
}

private func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard haystack.count - from >= needle.count else { return nil }
    for start in from...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
        return start
    }
    return nil
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}
