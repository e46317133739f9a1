import JSON
import LSP
import Testing

@Test func completionItemEncodesItsOptionalPartsOnlyWhenSet() {
    let edit = LSPTextEdit(range: LSPRange(line: 1, start: 2, end: 4), newText: "Plan]]")
    let bare = CompletionItem(label: "Plan", kind: .reference, detail: "p.md", rank: 7, filterText: "Plan", textEdit: edit)
    #expect(bare.json == ["label": "Plan", "kind": 18, "detail": "p.md", "sortText": "00007", "filterText": "Plan",
                          "textEdit": edit.json])
    var full = bare
    full.labelDescription = "work/p.md"
    full.documentation = "note · work/p"
    #expect(full.json["labelDetails"] == ["description": "work/p.md"])
    #expect(full.json["documentation"] == "note · work/p")
    #expect(CompletionList(isIncomplete: true, items: [bare]).json == ["isIncomplete": true, "items": [bare.json]])
}

@Test func hoverIsMarkdownWithAnOptionalRange() {
    #expect(Hover(markdown: "**A**", range: nil).json == ["contents": ["kind": "markdown", "value": "**A**"]])
    #expect(Hover(markdown: "x", range: .top).json["range"] == LSPRange.top.json)
}

@Test func symbolsEncodeKindsAndNesting() {
    let child = DocumentSymbol(name: "c", kind: .field, range: .top, selectionRange: .top)
    let parent = DocumentSymbol(name: "p", detail: "#", kind: .string, range: .top, selectionRange: .top, children: [child])
    #expect(parent.json["kind"] == 15)
    #expect(parent.json["detail"] == "#")
    #expect(parent.json["children"] == [child.json])
    #expect(child.json["detail"] == nil)
    let flat = SymbolInformation(name: "n", kind: .file, location: Location(uri: "file:///n", range: .top), containerName: "f")
    #expect(flat.json == ["name": "n", "kind": 1, "location": Location(uri: "file:///n", range: .top).json, "containerName": "f"])
}

@Test func diagnosticCarriesDataOnlyWhenGiven() {
    let plain = Diagnostic(range: .top, severity: .warning, code: "parse", message: "m")
    #expect(plain.json == ["range": LSPRange.top.json, "severity": 2, "code": "parse", "source": "notebridge", "message": "m"])
    #expect(Diagnostic(range: .top, severity: .error, code: "c", message: "m", data: ["target": "T"]).json["data"] == ["target": "T"])
}
