/// Unidecode's transliteration to ASCII, one code point at a time (what Python's `unidecode` does
/// to a string), from the table in UnidecodeData.swift.
enum Unidecode {
    private struct Table {
        /// Every entry's ASCII bytes, back to back.
        var bytes: [UInt8] = []
        /// Where the entry of block index b, low byte l starts: `starts[b * 256 + l]`; one extra at the end.
        var starts: [Int32] = []
        /// Block number → index into the blocks present, -1 when absent.
        var blockIndex = [Int16](repeating: -1, count: 0x1100)
    }

    private static let table: Table = {
        var table = Table()
        for (index, block) in UnidecodeData.blocks.enumerated() { table.blockIndex[Int(block)] = Int16(index) }
        table.starts.reserveCapacity(UnidecodeData.blocks.count * 256 + 1)
        var entries = UnidecodeData.entries
        entries.withUTF8 { utf8 in
            table.bytes.reserveCapacity(utf8.count)
            table.starts.append(0)
            var i = 0
            while i < utf8.count {
                // Entries are ASCII; the two bytes of U+00A6 end each one.
                if utf8[i] >= 0x80 {
                    table.starts.append(Int32(table.bytes.count))
                    i += 2
                } else {
                    table.bytes.append(utf8[i])
                    i += 1
                }
            }
        }
        return table
    }()

    /// Appends the transliteration of `scalar` (nothing when Unidecode has none) to `out`.
    static func append(_ scalar: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        let value = Int(scalar.value)
        if value < 0x80 {
            out.append(scalar)
            return
        }
        let table = Self.table
        guard value >> 8 < table.blockIndex.count else { return }
        let block = Int(table.blockIndex[value >> 8])
        guard block >= 0 else { return }
        let entry = block * 256 + value & 0xFF
        for k in Int(table.starts[entry])..<Int(table.starts[entry + 1]) {
            out.append(Unicode.Scalar(table.bytes[k]))
        }
    }
}
