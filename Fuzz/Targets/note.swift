// libFuzzer target: the note parser (frontmatter YAML through Yams, observations, relations,
// links, headings, tags) and permalinks.
// Invariants: it never crashes or hangs on any text; every span lies on an existing line, within
// the line's bytes, starts and ends on character boundaries, and its UTF-16 columns are the
// same place as its UTF-8 columns.
import Notes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    // Bytes before a 0x01 are the note's path, the rest its text.
    let split = input.firstIndex(of: 0x01)
    let path = split.map { String(decoding: input[..<$0], as: UTF8.self) + ".md" } ?? "folder/note.md"
    let text = String(decoding: split.map { input[($0 + 1)...] } ?? input[...], as: UTF8.self)

    let note = NoteParser.parse(text, path: path)
    _ = Permalink.generate(fromPath: path)

    var body = text
    if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
    let lines = LineTable(body)
    var spans = note.observations.map(\.span) + note.relations.map(\.span) + note.headings.map(\.span)
    spans += note.tagOccurrences.map(\.span) + note.problems.compactMap(\.span)
    for span in spans { checkSpan(span, in: lines) }
    check(note.bodyStartLine >= 0 && note.bodyStartLine <= lines.lineCount, "body starts past the last line")
    return 0
}

private func checkSpan(_ span: TextSpan, in lines: LineTable) {
    check(span.line >= 0 && span.line < lines.lineCount, "span on line \(span.line) of \(lines.lineCount)")
    let length = lines.lineText(span.line).utf8.count
    check(span.utf8.lowerBound >= 0 && span.utf8.upperBound <= length,
          "span \(span.utf8) outside line \(span.line) of \(length) bytes")
    let start = lines.utf8Offset(line: span.line, character: 0, encoding: .utf8)
    for (byte, unit) in [(span.utf8.lowerBound, span.utf16.lowerBound), (span.utf8.upperBound, span.utf16.upperBound)] {
        check(lines.position(utf8Offset: start + byte, encoding: .utf8) == (span.line, byte),
              "span edge \(byte) on line \(span.line) is inside a character")
        check(lines.position(utf8Offset: start + byte, encoding: .utf16) == (span.line, unit),
              "span edge at byte \(byte) is UTF-16 column \(unit), the text says otherwise")
    }
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}
