import Testing
@testable import Notes

@Suite struct LineTableTests {
    @Test func countsLinesWithEveryKindOfBreak() {
        #expect(LineTable("").lineCount == 1)
        #expect(LineTable("a").lineCount == 1)
        #expect(LineTable("a\n").lineCount == 2)
        #expect(LineTable("a\r\nb\rc\nd").lineCount == 4)
        let table = LineTable("one\r\ntwo\rthree\nfour")
        #expect(table.lineText(0) == "one")
        #expect(table.lineText(1) == "two")
        #expect(table.lineText(2) == "three")
        #expect(table.lineText(3) == "four")
        #expect(table.lineText(9) == "")
    }

    @Test func columnsDifferByEncoding() {
        // "a😀é中b": a=1 byte, 😀=4 bytes/2 UTF-16 units, é=2 bytes, 中=3 bytes.
        let table = LineTable("x\na😀é中b\n")
        #expect(table.utf8Offset(line: 1, character: 3, encoding: .utf16) == 2 + 5)
        #expect(table.utf8Offset(line: 1, character: 2, encoding: .utf32) == 2 + 5)
        #expect(table.utf8Offset(line: 1, character: 5, encoding: .utf8) == 2 + 5)
        #expect(table.utf8Offset(line: 1, character: 5, encoding: .utf16) == 2 + 10)
        #expect(table.position(utf8Offset: 2 + 10, encoding: .utf16) == (1, 5))
        #expect(table.position(utf8Offset: 2 + 10, encoding: .utf8) == (1, 10))
        #expect(table.position(utf8Offset: 2 + 10, encoding: .utf32) == (1, 4))
    }

    @Test func positionsInsideACharacterRoundDown() {
        let table = LineTable("😀x")
        #expect(table.utf8Offset(line: 0, character: 1, encoding: .utf16) == 0)  // between the surrogates
        #expect(table.utf8Offset(line: 0, character: 2, encoding: .utf8) == 0)
        #expect(table.utf8Offset(line: 0, character: 2, encoding: .utf16) == 4)
    }

    @Test func clampsPastTheEnd() {
        let table = LineTable("ab\r\ncd")
        #expect(table.utf8Offset(line: 0, character: 99, encoding: .utf16) == 2)  // before \r\n
        #expect(table.utf8Offset(line: 7, character: 0, encoding: .utf16) == 6)
        #expect(table.utf8Offset(line: -1, character: 0, encoding: .utf16) == 0)
        #expect(table.position(utf8Offset: 3, encoding: .utf16) == (0, 2))  // inside the line break
        #expect(table.position(utf8Offset: 99, encoding: .utf16) == (1, 2))
    }

    @Test func roundTripsEveryOffset() {
        let text = "é😀\r\n中\rz\n"
        let table = LineTable(text)
        for encoding in [PositionEncoding.utf8, .utf16, .utf32] {
            for offset in [0, 2, 6, 8, 11, 12, 13, 14] {
                let (line, character) = table.position(utf8Offset: offset, encoding: encoding)
                #expect(table.utf8Offset(line: line, character: character, encoding: encoding) == offset)
            }
        }
    }
}

@Suite struct TextEditTests {
    private func edit(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int, _ text: String) -> TextEdit {
        TextEdit(range: TextRange(start: TextPosition(line: l1, character: c1), end: TextPosition(line: l2, character: c2)),
                 text: text)
    }

    @Test func insertAndDeleteAcrossLines() {
        let text = "first\nsecond\nthird\n"
        #expect(text.applying([edit(1, 0, 1, 0, "new\n")], encoding: .utf16) == "first\nnew\nsecond\nthird\n")
        #expect(text.applying([edit(0, 3, 2, 2, "")], encoding: .utf16) == "firird\n")
        #expect(text.applying([edit(2, 5, 3, 0, "!")], encoding: .utf16) == "first\nsecond\nthird!")
    }

    @Test func editsApplyInOrder() {
        let result = "abc".applying([edit(0, 3, 0, 3, "d"), edit(0, 0, 0, 1, "A"), edit(0, 4, 0, 4, "\nnext")],
                                    encoding: .utf16)
        #expect(result == "Abcd\nnext")
    }

    @Test func fullReplacement() {
        #expect("old".applying([TextEdit(range: nil, text: "new"), edit(0, 3, 0, 3, "!")], encoding: .utf8) == "new!")
    }

    @Test func surrogatePairsInUTF16() {
        let text = "a😀b\n"
        #expect(text.applying([edit(0, 1, 0, 3, "")], encoding: .utf16) == "ab\n")
        #expect(text.applying([edit(0, 3, 0, 3, "X")], encoding: .utf16) == "a😀Xb\n")
        #expect(text.applying([edit(0, 1, 0, 5, "")], encoding: .utf8) == "ab\n")
        #expect(text.applying([edit(0, 2, 0, 2, "X")], encoding: .utf32) == "a😀Xb\n")
    }

    @Test func crlfLinesKeepTheirBreaks() {
        let text = "one\r\ntwo\r\n"
        #expect(text.applying([edit(1, 0, 1, 3, "2")], encoding: .utf16) == "one\r\n2\r\n")
        #expect(text.applying([edit(0, 3, 1, 0, " ")], encoding: .utf16) == "one two\r\n")
        #expect(text.applying([edit(0, 99, 0, 99, "!")], encoding: .utf16) == "one!\r\ntwo\r\n")
    }

    @Test func utf8ColumnsAfterMultibyteText() {
        let text = "中文 x"
        #expect(text.applying([edit(0, 7, 0, 8, "y")], encoding: .utf8) == "中文 y")
    }

    @Test func reversedRangeIsSwapped() {
        #expect("abcdef".applying([edit(0, 4, 0, 1, "")], encoding: .utf16) == "aef")
    }
}
