/// A text split into lines that keep their terminators ("\n" or "\r\n"), so joining them gives the
/// text back byte for byte; a last line without a newline stays without one.
struct Lines {
    let items: [Substring]

    init(_ text: String) {
        var items: [Substring] = []
        var start = text.startIndex
        var index = text.utf8.startIndex
        while index != text.utf8.endIndex {
            let next = text.utf8.index(after: index)
            if text.utf8[index] == UInt8(ascii: "\n") {
                items.append(text[start..<next])
                start = next
            }
            index = next
        }
        if start != text.endIndex { items.append(text[start...]) }
        self.items = items
    }

    var count: Int { items.count }

    /// The lines in `range`, joined back into text.
    func text(_ range: Range<Int>) -> String {
        items[range].joined()
    }

    /// The terminator this text uses ("\r\n" if its first terminated line has one), for lines we add.
    var newline: String? {
        guard let first = items.first(where: { $0.utf8.last == UInt8(ascii: "\n") }) else { return nil }
        return first.utf8.dropLast().last == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }
}

/// One replaced region of a line diff: `old` lines of the first text became `new` lines of the second.
struct LineChange: Hashable {
    var old: Range<Int>
    var new: Range<Int>
}

extension Lines {
    /// The changed regions from `self` to `other`, in order, built on the standard library's Myers diff.
    /// Lines compare byte for byte (not by Unicode canonical equivalence), so no edit goes unnoticed.
    func changes(to other: Lines) -> [LineChange] {
        let difference = other.items.difference(from: items) { $0.utf8.elementsEqual($1.utf8) }
        var removed = [Bool](repeating: false, count: count)
        var inserted = [Bool](repeating: false, count: other.count)
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed[offset] = true
            case .insert(let offset, _, _): inserted[offset] = true
            }
        }
        // Lines neither removed nor inserted pair up in order; everything between two pairs is one change.
        var result: [LineChange] = []
        var old = 0
        var new = 0
        while old < count || new < other.count {
            if old < count, new < other.count, !removed[old], !inserted[new] {
                old += 1
                new += 1
                continue
            }
            let start = (old, new)
            while old < count, removed[old] { old += 1 }
            while new < other.count, inserted[new] { new += 1 }
            result.append(LineChange(old: start.0..<old, new: start.1..<new))
        }
        return result
    }
}
