import JSON
import LSP
import Testing

/// The message a request's decoding fails with, or nil if it decodes.
private func failure<T>(_ decode: (JSONFields) throws(FieldError) -> T, _ params: JSONValue?, path: String = "") -> String? {
    do {
        _ = try decode(JSONFields(params, path: path))
        return nil
    } catch {
        return error.message
    }
}

@Test func aNoteIsNamedByUriThenPathThenTextDocument() throws {
    #expect(try NoteTarget(JSONFields(["uri": "file:///n/a.md", "path": "b.md"])).name == .uri("file:///n/a.md"))
    #expect(try NoteTarget(JSONFields(["path": "b.md"])).name == .path("b.md"))
    #expect(try NoteTarget(JSONFields(["textDocument": ["uri": "file:///n/c.md"]])).name == .uri("file:///n/c.md"))
    #expect(try NoteTarget(JSONFields(["path": "b.md"], path: "arguments[0]")).within == "arguments[0]")
}

@Test func aNoteNamedBadlySaysWhichField() {
    #expect(failure(NoteTarget.init, [:]) == "expected one of uri, path, textDocument")
    #expect(failure(NoteTarget.init, nil) == "expected one of uri, path, textDocument")
    #expect(failure(NoteTarget.init, ["x": 1], path: "arguments[0]") == "arguments[0]: expected one of uri, path, textDocument")
    #expect(failure(NoteTarget.init, ["uri": 5]) == "uri: expected string, got number")
    #expect(failure(NoteTarget.init, ["textDocument": [:]]) == "textDocument.uri: missing; expected string")
    #expect(failure(NoteTarget.init, [1, 2]) == "params: expected object, got array")
}

@Test func openTakesAPermalinkOverAPathAndAnOptionalVersion() throws {
    let byPermalink = try OpenNoteRequest(JSONFields(["permalink": "Cupping Protocol", "path": "a.md", "version": 2.0]))
    #expect(byPermalink.note == .permalink("Cupping Protocol"))
    #expect(byPermalink.version == 2)
    let byPath = try OpenNoteRequest(JSONFields(["path": "a.md"]))
    #expect(byPath.note == .target(NoteTarget(.path("a.md"))))
    #expect(byPath.version == nil)
}

@Test func openRefusesBadVersionsAndMissingNames() {
    #expect(failure(OpenNoteRequest.init, ["path": "a.md", "version": 0]) == "version: must be 1 or more")
    #expect(failure(OpenNoteRequest.init, ["path": "a.md", "version": "1"]) == "version: expected integer, got string")
    #expect(failure(OpenNoteRequest.init, ["version": 1]) == "expected one of uri, path, textDocument")
    #expect(failure(OpenNoteRequest.init, ["permalink": 3]) == "permalink: expected string, got number")
}

@Test func saveReadsTheTextAndWhatItIsBasedOn() throws {
    let save = try SaveNoteRequest(JSONFields(["uri": "file:///n/a.md", "text": "hi", "baseVersion": 3, "baseChecksum": "c",
                                               "force": true]))
    #expect(save.note.name == .uri("file:///n/a.md"))
    #expect(save.text == "hi")
    #expect(save.baseVersion == 3)
    #expect(save.baseChecksum == "c")
    #expect(save.force)
    let plain = try SaveNoteRequest(JSONFields(["path": "a.md", "text": "", "baseVersion": nil]))
    #expect(plain.baseVersion == nil && plain.baseChecksum == nil && !plain.force)
}

@Test func saveRefusesMissingTextAndBadBases() {
    #expect(failure(SaveNoteRequest.init, ["path": "a.md"]) == "text: missing; expected string")
    #expect(failure(SaveNoteRequest.init, ["path": "a.md", "text": 1]) == "text: expected string, got number")
    #expect(failure(SaveNoteRequest.init, ["path": "a.md", "text": "x", "baseVersion": -1]) == "baseVersion: must be 0 or more")
    #expect(failure(SaveNoteRequest.init, ["path": "a.md", "text": "x", "baseVersion": 1.5])
        == "baseVersion: expected integer, got non-integral number")
    #expect(failure(SaveNoteRequest.init, ["path": "a.md", "text": "x", "force": "yes"]) == "force: expected boolean, got string")
    #expect(failure(SaveNoteRequest.init, ["text": "x"]) == "expected one of uri, path, textDocument")
}

@Test func searchHasDefaultsAndBounds() throws {
    let search = try SearchNotesRequest(JSONFields(["query": "roast", "tag": "beans"]))
    #expect(search.limit == 20 && search.offset == 0)
    #expect(search.tag == "beans" && search.type == nil && search.folder == nil)
    #expect(failure(SearchNotesRequest.init, ["query": "x", "limit": 0]) == "limit: must be between 1 and 1000")
    #expect(failure(SearchNotesRequest.init, ["query": "x", "limit": 1001]) == "limit: must be between 1 and 1000")
    #expect(failure(SearchNotesRequest.init, ["query": "x", "offset": -1]) == "offset: must be 0 or more")
    #expect(failure(SearchNotesRequest.init, ["limit": 5]) == "query: missing; expected string")
}

@Test func historyDeleteAndRestoreReadTheirFields() throws {
    #expect(try NoteHistoryRequest(JSONFields(["path": "a.md"])).limit == 50)
    #expect(failure(NoteHistoryRequest.init, ["path": "a.md", "limit": 0]) == "limit: must be between 1 and 1000")
    #expect(try DeleteNoteRequest(JSONFields(["path": "a.md", "baseVersion": 7])).baseVersion == 7)
    #expect(try DeleteNoteRequest(JSONFields(["path": "a.md"])).baseVersion == nil)
    let restore = try RestoreNoteArguments(JSONFields(["path": "a.md", "version": 2, "baseVersion": 0], path: "arguments[0]"))
    #expect(restore.version == 2 && restore.baseVersion == 0 && restore.note.within == "arguments[0]")
    #expect(failure(RestoreNoteArguments.init, ["path": "a.md"], path: "arguments[0]")
        == "arguments[0].version: expected the version to restore (1 or more)")
    #expect(failure(RestoreNoteArguments.init, ["path": "a.md", "version": 1, "baseVersion": -2], path: "arguments[0]")
        == "arguments[0].baseVersion: must be 0 or more")
}

@Test func methodsAreTheProtocolsNames() {
    #expect([OpenNoteRequest.method, SaveNoteRequest.method, SearchNotesRequest.method, DeleteNoteRequest.method,
             NoteHistoryRequest.method] == ["notes/open", "notes/save", "notes/search", "notes/delete", "notes/history"])
    #expect(NotesDidChange.method == "notes/didChange" && NotesDidUpload.method == "notes/didUpload")
}
