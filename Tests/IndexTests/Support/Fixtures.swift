import Index
import Notes

/// Note texts and quick writes for tests.
enum Fixture {
    static func note(title: String, type: String = "note", tags: [String] = [], body: String) -> String {
        var text = "---\ntitle: \(title)\ntype: \(type)\n"
        if !tags.isEmpty { text += "tags: [" + tags.joined(separator: ", ") + "]\n" }
        return text + "---\n\n" + body + "\n"
    }

    static func write(_ path: String, _ text: String) -> NoteWrite {
        let bytes = Array(text.utf8)
        return NoteWrite(path: path, parsed: NoteParser.parse(text, path: path), checksum: Checksum.sha256(bytes),
                         size: Int64(bytes.count), mtime: 1_000)
    }
}

extension NoteIndex {
    /// Upserts `text` as the note at `path`, the way a test wants it: one call.
    @discardableResult
    func put(_ path: String, _ text: String, device: String = "test") throws -> NoteRecord {
        let write = Fixture.write(path, text)
        return try upsert(path: path, parsed: write.parsed, checksum: write.checksum, size: write.size,
                          mtime: write.mtime, device: device)
    }

    /// A compare-and-swap save of `text` at `path`.
    func save(_ path: String, _ text: String, base: Int64, device: String = "test") throws -> SaveOutcome {
        let write = Fixture.write(path, text)
        return try save(path: path, baseVersion: base, parsed: write.parsed, checksum: write.checksum,
                        size: write.size, mtime: write.mtime, device: device)
    }

    func count(_ table: String) throws -> Int64 {
        try executor.execute(SQLStatement("SELECT count(*) FROM \(table)")).rows[0][0].integerValue
    }
}

extension SQLValue {
    var integerValue: Int64 { if case .integer(let value) = self { value } else { -1 } }
}
