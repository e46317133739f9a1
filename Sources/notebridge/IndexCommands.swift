import ArgumentParser
import Foundation
import Index
import JSON
import Server
import Tools
import Vault

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Bring the index up to date with the notes folder (never writes note files).")

    @OptionGroup var vault: VaultOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        let stats = try Indexer.index(vault: opened)
        let seconds = Double(stats.elapsed.components.seconds) + Double(stats.elapsed.components.attoseconds) / 1e18
        if json {
            let result: JSONValue = [
                "root": .string(opened.root.path), "index": .string(opened.index.executor.location),
                "added": JSONValue(stats.added), "updated": JSONValue(stats.updated), "removed": JSONValue(stats.removed),
                "unchanged": JSONValue(stats.unchanged), "unreadable": .array(stats.unreadable.map { .string($0) }),
                "seconds": .double(seconds),
            ]
            print(result.serializedString())
        } else {
            print("indexed \(opened.root.path) into \(opened.index.executor.location)")
            print("  \(stats.added) added, \(stats.updated) updated, \(stats.removed) removed, \(stats.unchanged) unchanged"
                + (stats.unreadable.isEmpty ? "" : ", \(stats.unreadable.count) unreadable")
                + String(format: " in %.3f s", seconds))
        }
    }
}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index: words (prefix, ANDed; ORed when nothing matches), \"phrases\", word*, -word, tag:x, type:x, in:folder/.")

    @Argument(help: "The query.")
    var query: String

    @OptionGroup var vault: VaultOptions

    @Option(help: "At most this many results (1–1000).")
    var limit = 10

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        let results = try opened.index.search(SearchRequest(text: query, limit: limit))
        if json {
            let value: JSONValue = [
                "retriedWithOr": .bool(results.retriedWithOr),
                "results": .array(results.hits.map { hit in
                    ["path": .string(hit.path), "permalink": .string(hit.permalink), "title": .string(hit.title),
                     "type": .string(hit.type), "snippet": .string(hit.snippet), "score": .double(hit.score)]
                }),
            ]
            print(value.serializedString())
            return
        }
        if results.hits.isEmpty { print("no notes match \(query)") }
        if results.retriedWithOr { print("(no note has every word; showing notes with any of them)") }
        for hit in results.hits {
            print("\(hit.title)  [\(hit.path)]")
            print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
        }
    }
}
