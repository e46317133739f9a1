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
        return NoteWrite(path: path, bytes: bytes, checksum: Checksum.sha256(bytes), parsed: NoteParser.parse(text, path: path),
                         mtime: 1_000)
    }
}

extension NoteIndex {
    /// Upserts `text` as the note at `path`, the way a test wants it: one call.
    @discardableResult
    func put(_ path: String, _ text: String, device: String = "test", origin: VersionOrigin = .scan) throws -> NoteRecord {
        try upsert(Fixture.write(path, text), origin: origin, device: device)
    }

    /// A compare-and-swap save of `text` at `path`.
    func save(_ path: String, _ text: String, base: Int64, baseChecksum: String? = nil, device: String = "test",
              origin: VersionOrigin = .save) throws -> SaveOutcome {
        try save(Fixture.write(path, text), baseVersion: base, baseChecksum: baseChecksum, origin: origin, device: device)
    }

    func count(_ table: String) throws -> Int64 {
        try executor.execute(SQLStatement("SELECT count(*) FROM \(table)")).rows[0][0].integerValue
    }
}

extension SQLValue {
    var integerValue: Int64 { if case .integer(let value) = self { value } else { -1 } }
}
