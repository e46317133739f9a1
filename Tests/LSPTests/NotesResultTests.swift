import JSON
import LSP
import Testing

private let entry = NoteHistoryEntry(version: 1, checksum: "c1", device: "laptop", at: "2026-12-03T08:54:43.425Z", size: 48,
                                     origin: "save", hasText: true)

@Test func aSavedNoteSaysOnlyWhatItHas() {
    let saved = SaveNoteResult(status: .saved, uri: "file:///n/a.md", path: "a.md", checksum: "c", version: 2, uploaded: false)
    #expect(saved.json == ["status": "saved", "uri": "file:///n/a.md", "path": "a.md", "checksum": "c", "version": 2,
                           "uploaded": false])
    let unchanged = SaveNoteResult(status: .unchanged, uri: "u", path: "a.md", checksum: "c", version: 2)
    #expect(unchanged.json["uploaded"] == nil && unchanged.json["text"] == nil && unchanged.json["conflict"] == nil)
}

@Test func aConflictCarriesTheirVersionAndHunksAsLineRanges() {
    let conflict = SaveConflict(theirsChecksum: "t", theirsVersion: 3, copyPath: "a.conflict-x.md",
                                hunks: [.init(range: LSPRange(lines: 2..<4), ours: "mine\n", theirs: "yours\n")])
    let result = SaveNoteResult(status: .conflict, uri: "u", path: "a.md", checksum: "t", version: 3, text: "theirs",
                                conflict: conflict)
    #expect(result.json["text"] == "theirs")
    #expect(result.json["conflict"] == [
        "theirsChecksum": "t", "theirsVersion": 3, "copyPath": "a.conflict-x.md",
        "hunks": [["range": ["start": ["line": 2, "character": 0], "end": ["line": 4, "character": 0]], "ours": "mine\n",
                   "theirs": "yours\n"]],
    ])
}

@Test func anOpenedNoteIsCurrentOrFromTheHistory() {
    let current = OpenNoteResult(uri: "u", path: "a.md", permalink: "a", title: "A", text: "t", checksum: nil, version: 0,
                                 source: .mount, stale: false)
    #expect(current.json == ["uri": "u", "path": "a.md", "permalink": "a", "title": "A", "text": "t", "checksum": nil,
                             "version": 0, "source": "mount", "stale": false])
    let old = OpenNoteResult(uri: "u", path: "a.md", permalink: "a", title: "A", text: "t",
                             kept: .init(entry: entry, currentVersion: nil))
    #expect(old.json == ["uri": "u", "path": "a.md", "permalink": "a", "title": "A", "text": "t", "checksum": "c1",
                         "version": 1, "device": "laptop", "at": "2026-12-03T08:54:43.425Z", "size": 48, "origin": "save",
                         "deleted": false, "hasText": true, "source": "history", "currentVersion": nil])
}

@Test func historyEntriesMarkDeletions() {
    let deletion = NoteHistoryEntry(version: 3, checksum: nil, device: "desk", at: "x", size: 0, origin: "save", hasText: false)
    let history = NoteHistoryResult(path: "a.md", uri: "u", versions: [deletion, entry])
    #expect(history.json["versions"]?[0]?["deleted"] == true)
    #expect(history.json["versions"]?[0]?["checksum"] == .null)
    #expect(history.json["versions"]?[1] == entry.json)
}

@Test func searchAndDeleteResultsEncodeAsDocumented() {
    let hit = SearchNotesResult.Hit(uri: "u", path: "a.md", permalink: "a", title: "A", type: "note", snippet: "…", score: 1.5)
    #expect(SearchNotesResult(results: [hit], retriedWithOr: false, incomplete: true).json == [
        "results": [["uri": "u", "path": "a.md", "permalink": "a", "title": "A", "type": "note", "snippet": "…", "score": 1.5]],
        "retriedWithOr": false, "incomplete": true,
    ])
    #expect(DeleteNoteResult.deleted.json == ["status": "deleted"])
    #expect(DeleteNoteResult.conflict(version: 4).json == ["status": "conflict", "version": 4])
    #expect(DeleteNoteResult.conflict(version: nil).json == ["status": "conflict", "version": nil])
}

@Test func notificationsCarryTheChangeAndTheUpload() {
    let deleted = NotesDidChange.Change(uri: "u", path: "a.md", kind: .deleted, checksum: nil, version: 2, origin: "laptop",
                                        at: "2026-11-26T18:30:51.864Z")
    #expect(NotesDidChange(changes: [deleted]).json == ["changes": [[
        "uri": "u", "path": "a.md", "kind": "deleted", "checksum": nil, "version": 2, "origin": "laptop",
        "at": "2026-11-26T18:30:51.864Z",
    ]]])
    #expect(NotesDidUpload(uri: "u", path: "a.md", checksum: "c").json == ["uri": "u", "path": "a.md", "checksum": "c"])
}

@Test func publishedDiagnosticsHaveAVersionUnlessClosing() {
    let diagnostic = Diagnostic(range: .top, severity: .information, code: "changed-elsewhere", message: "m")
    let open = PublishDiagnostics(uri: "u", version: 4, diagnostics: [diagnostic])
    #expect(open.json == ["uri": "u", "version": 4, "diagnostics": [diagnostic.json]])
    #expect(PublishDiagnostics(uri: "u", diagnostics: []).json == ["uri": "u", "diagnostics": []])
}
