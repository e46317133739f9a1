import Foundation
import LSP
import Notes

extension DocumentSymbol {
    /// This symbol and its descendants as flat `SymbolInformation`, each naming its parent.
    package func information(uri: String, container: String? = nil) -> [SymbolInformation] {
        [SymbolInformation(name: name, kind: kind, location: Location(uri: uri, range: selectionRange), containerName: container)]
            + children.flatMap { $0.information(uri: uri, container: name) }
    }
}

/// A note's headings as a tree, with observations and relations under the heading they sit in.
package struct Outline {
    package static let headingKind = SymbolKind.string, groupKind = SymbolKind.array, observationKind = SymbolKind.field,
        relationKind = SymbolKind.property

    package private(set) var roots: [DocumentSymbol] = []

    package init(note: NoteSnapshot, encoding: PositionEncoding) {
        func position(_ line: Int, _ byteColumn: Int) -> Position {
            Position(line: line, character: note.character(line: line, byteColumn: byteColumn, encoding: encoding))
        }
        func spanRange(_ span: TextSpan) -> LSPRange {
            LSPRange(start: position(span.line, span.utf8.lowerBound), end: position(span.line, span.utf8.upperBound))
        }
        func lineEnd(_ line: Int) -> Position { position(line, note.lineBytes(line).count) }

        struct Section {
            var heading: Heading?
            var endLine: Int
            var observations: [DocumentSymbol] = []
            var relations: [DocumentSymbol] = []
            var children: [Int] = []
        }
        let headings = note.parsed.headings
        let lastLine = max(0, note.lines.lineCount - 1)
        var sections = [Section(heading: nil, endLine: lastLine)]
        for (index, heading) in headings.enumerated() {
            let next = headings[(index + 1)...].first { $0.level <= heading.level }
            sections.append(Section(heading: heading, endLine: next.map { max(heading.span.line, $0.span.line - 1) } ?? lastLine))
        }

        enum Item { case heading(Int), observation(Observation), relation(Relation) }
        var items: [(line: Int, column: Int, item: Item)] = headings.indices.map { (headings[$0].span.line, -1, .heading($0 + 1)) }
        items += note.parsed.observations.map { ($0.span.line, $0.span.utf8.lowerBound, .observation($0)) }
        items += note.parsed.relations.filter { !$0.isInline }.map { ($0.span.line, $0.span.utf8.lowerBound, .relation($0)) }
        items.sort { ($0.line, $0.column) < ($1.line, $1.column) }

        var stack = [0]
        var firstObservation: [Int: TextSpan] = [:], lastObservation: [Int: TextSpan] = [:]
        var firstRelation: [Int: TextSpan] = [:], lastRelation: [Int: TextSpan] = [:]
        for entry in items {
            switch entry.item {
            case .heading(let index):
                let level = sections[index].heading!.level
                while stack.count > 1, sections[stack.last!].heading!.level >= level { stack.removeLast() }
                sections[stack.last!].children.append(index)
                stack.append(index)
            case .observation(let observation):
                let owner = stack.last!
                if firstObservation[owner] == nil { firstObservation[owner] = observation.span }
                lastObservation[owner] = observation.span
                let content = observation.content.isEmpty ? observation.category : observation.content
                sections[owner].observations.append(DocumentSymbol(
                    name: "[\(observation.category)] \(HoverText.clipped(content, to: 80))",
                    detail: observation.tags.isEmpty ? nil : observation.tags.map { "#" + $0 }.joined(separator: " "),
                    kind: Self.observationKind, range: spanRange(observation.span), selectionRange: spanRange(observation.span)))
            case .relation(let relation):
                let owner = stack.last!
                if firstRelation[owner] == nil { firstRelation[owner] = relation.span }
                lastRelation[owner] = relation.span
                sections[owner].relations.append(DocumentSymbol(
                    name: "\(relation.type) [[\(relation.target)]]", detail: relation.context,
                    kind: Self.relationKind, range: spanRange(relation.span), selectionRange: spanRange(relation.span)))
            }
        }

        func groups(_ index: Int) -> [DocumentSymbol] {
            var result: [DocumentSymbol] = []
            let section = sections[index]
            if let first = firstObservation[index], let last = lastObservation[index] {
                result.append(DocumentSymbol(name: "Observations", detail: "\(section.observations.count)", kind: Self.groupKind,
                                            range: LSPRange(start: position(first.line, first.utf8.lowerBound),
                                                            end: position(last.line, last.utf8.upperBound)),
                                            selectionRange: spanRange(first), children: section.observations))
            }
            if let first = firstRelation[index], let last = lastRelation[index] {
                result.append(DocumentSymbol(name: "Relations", detail: "\(section.relations.count)", kind: Self.groupKind,
                                            range: LSPRange(start: position(first.line, first.utf8.lowerBound),
                                                            end: position(last.line, last.utf8.upperBound)),
                                            selectionRange: spanRange(first), children: section.relations))
            }
            return result
        }
        func symbol(_ index: Int) -> DocumentSymbol {
            let section = sections[index]
            let heading = section.heading!
            return DocumentSymbol(name: heading.text.isEmpty ? "(empty heading)" : heading.text, detail: String(repeating: "#", count: heading.level),
                                 kind: Self.headingKind,
                                 range: LSPRange(start: position(heading.span.line, 0), end: lineEnd(section.endLine)),
                                 selectionRange: spanRange(heading.span),
                                 children: groups(index) + section.children.map(symbol))
        }
        roots = groups(0) + sections[0].children.map(symbol)
    }
}
