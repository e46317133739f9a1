/// Typed access to the columns of a result row, tolerant of the integer-as-text and real forms a
/// remote backend may return.
extension Array where Element == SQLValue {
    func text(_ index: Int) -> String {
        switch self[index] {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .null: return ""
        }
    }

    func optionalText(_ index: Int) -> String? {
        if case .null = self[index] { return nil }
        return text(index)
    }

    func integer(_ index: Int) -> Int64 {
        switch self[index] {
        case .integer(let number): return number
        case .real(let number): return Int64(number)
        case .text(let text): return Int64(text) ?? 0
        default: return 0
        }
    }

    func real(_ index: Int) -> Double {
        switch self[index] {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case .text(let text): return Double(text) ?? 0
        default: return 0
        }
    }
}

extension NoteRecord {
    /// The columns `init(row:offset:)` reads, in order.
    static let columns = "path, permalink, title, type, checksum, size, mtime, version, updated_at, updated_by"

    init(row: [SQLValue], offset: Int = 0) {
        self.init(path: row.text(offset), permalink: row.text(offset + 1), title: row.text(offset + 2),
                  type: row.text(offset + 3), checksum: row.text(offset + 4), size: row.integer(offset + 5),
                  mtime: row.integer(offset + 6), version: row.integer(offset + 7),
                  updatedAt: row.integer(offset + 8), updatedBy: row.text(offset + 9))
    }
}
