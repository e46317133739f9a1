// libFuzzer target: the search-query parser, against a real SQLite FTS5 index.
// Invariants: every FTS5 expression the parser emits is valid FTS5 (MATCH never fails on it),
// and a search through the index never fails, whatever the text.
@testable import Index
import Notes

nonisolated(unsafe) private let index: NoteIndex = {
    do {
        let index = try NoteIndex(executor: SQLiteExecutor(path: ":memory:"))
        for (path, text) in [("a/coffee.md", "---\ntitle: Coffee\ntags: [brew]\n---\npour over beans été \"quoted\" NEAR x\n"),
                             ("b/tea.md", "---\ntitle: Tea\ntype: drink\n---\ngreen tea OR black AND NOT 💡 col:x\n")] {
            let bytes = Array(text.utf8)
            _ = try index.upsert(NoteWrite(path: path, bytes: bytes, checksum: Checksum.sha256(bytes),
                                           parsed: NoteParser.parse(text, path: path), mtime: 1), origin: .scan, device: "fuzz")
        }
        return index
    } catch {
        fatalError("cannot open the fuzz index: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let query = SearchQuery(text)
    for expression in [query.expression, query.positiveExpression, query.negativeExpression, query.orExpression].compactMap({ $0 }) {
        for match in [expression, "{title} : (\(expression))"] {
            do {
                _ = try index.executor.execute(SQLStatement("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1", [.text(match)]))
            } catch {
                fatalError("fuzz invariant: the query \(text.debugDescription) gave invalid FTS5 \(match.debugDescription): \(error)")
            }
        }
    }
    do {
        _ = try index.search(SearchRequest(text: text, limit: 5, type: size % 3 == 0 ? "note" : nil,
                                           tag: size % 5 == 0 ? "brew" : nil, folder: size % 7 == 0 ? "a" : nil))
    } catch {
        fatalError("fuzz invariant: searching \(text.debugDescription) failed: \(error)")
    }
    return 0
}
