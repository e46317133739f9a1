import ArgumentParser
import Foundation
import JSON
import Notes

/// `notebridge parse --json --root R FILE…`: prints what the parser reads from each note (one JSON
/// object a line), the fields Basic Memory's parser also gives, so the two can be compared
/// (Tests/e2e/test_basic_memory_compat.py). A debugging aid, hidden from the help.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print the title, permalink, type, tags, observations and relations parsed from notes.",
        shouldDisplay: false)

    @Option(help: "The folder the note paths are relative to.")
    var root: String

    @Flag(help: "Print JSON lines (the only format).")
    var json = false

    @Argument(help: "Note paths, relative to --root.")
    var files: [String]

    func run() throws {
        for file in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                print(JSONValue.object(["path": .string(file), "error": "cannot read the file"]).serializedString())
                continue
            }
            let parsed = NoteParser.parse(String(decoding: data, as: UTF8.self), path: file)
            print(Self.describe(parsed, path: file).serializedString())
        }
    }

    static func describe(_ note: ParsedNote, path: String) -> JSONValue {
        let observations: [JSONValue] = note.observations.map { observation in
            .object(["category": .string(observation.category), "content": .string(observation.content),
                     "tags": .array(observation.tags.map(JSONValue.string)),
                     "context": observation.context.map(JSONValue.string) ?? .null])
        }
        let relations: [JSONValue] = note.relations.map { relation in
            // Basic Memory keeps a wiki link's `|alias` in the target.
            let written = relation.alias.map { relation.target + "|" + $0 } ?? relation.target
            return .object(["type": .string(relation.type), "target": .string(relation.isMarkdownLink ? relation.target : written),
                     "context": relation.context.map(JSONValue.string) ?? .null])
        }
        return .object(["path": .string(path), "title": .string(note.title), "permalink": .string(note.permalink),
                        "type": .string(note.type), "tags": .array(note.frontmatterTags.map(JSONValue.string)),
                        "observations": .array(observations), "relations": .array(relations)])
    }
}
