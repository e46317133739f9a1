import JSON
import LSP
import Testing

@Test func rangeOnOneLineEncodesAsLSPDoes() {
    let range = LSPRange(line: 3, start: 2, end: 7)
    #expect(range.json == ["start": ["line": 3, "character": 2], "end": ["line": 3, "character": 7]])
}

@Test func lineRangeRunsFromLineStartToLineStart() {
    #expect(LSPRange(lines: 1..<4).json == ["start": ["line": 1, "character": 0], "end": ["line": 4, "character": 0]])
}

@Test func locationAndWorkspaceEditNestTheirParts() {
    let location = Location(uri: "file:///n/a.md", range: .top)
    #expect(location.json == ["uri": "file:///n/a.md", "range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]]])
    let edit = WorkspaceEdit(changes: ["file:///n/a.md": [LSPTextEdit(range: .top, newText: "x")]])
    #expect(edit.json == ["changes": ["file:///n/a.md": [["range": LSPRange.top.json, "newText": "x"]]]])
}

@Test func diagnosticCarriesSeverityCodeAndSource() {
    let diagnostic = Diagnostic(range: .top, severity: .warning, code: "unresolved-link", message: "no note")
    #expect(diagnostic.json["severity"] == 2)
    #expect(diagnostic.json["source"] == "notebridge")
    #expect(diagnostic.json["code"] == "unresolved-link")
}
