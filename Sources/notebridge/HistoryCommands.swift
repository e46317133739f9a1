import ArgumentParser
import Foundation
import Index
import JSON
import Support
import Vault

/// `notebridge history PATH`: the versions the index keeps of a note, newest first (read-only).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List the versions the index keeps of a note, newest first (also for a deleted note).")

    @Argument(help: "The note: a path relative to --root, or an absolute path inside it.")
    var path: String

    @OptionGroup var vault: VaultOptions

    @Option(help: "At most this many versions (1–10000).")
    var limit = 50

    @Flag(help: "Print the versions as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        let note = notePath(path, root: opened.root.path)
        let versions = try opened.index.history(path: note, limit: limit)
        if json {
            print(JSONValue.object(["path": .string(note), "versions": .array(versions.map(\.json))]).serializedString())
            return
        }
        guard !versions.isEmpty else { throw HistoryFailure("the index keeps no versions of \(note)") }
        for version in versions {
            let when = Timestamp.iso8601(Date(timeIntervalSince1970: Double(version.at) / 1000))
            let what = version.isDeletion ? "deleted" : "\(version.size) bytes" + (version.hasText ? "" : " (text not kept)")
            print("v\(version.version)  \(when)  \(version.device)  \(version.origin.rawValue)  \(what)")
        }
    }
}

/// `notebridge show PATH --version N`: one kept version's exact bytes (read-only).
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print one version of a note from the index, exactly as it was written.")

    @Argument(help: "The note: a path relative to --root, or an absolute path inside it.")
    var path: String

    @Option(help: "The version (see `notebridge history`).")
    var version: Int64

    @OptionGroup var vault: VaultOptions

    @Flag(help: "Print the version's facts and text as JSON.")
    var json = false

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        let note = notePath(path, root: opened.root.path)
        guard let stored = try opened.index.version(path: note, version: version) else {
            throw HistoryFailure("the index keeps no version \(version) of \(note) (see `notebridge history \(note)`)")
        }
        if json {
            var value = stored.info.json
            if case .object(var fields) = value {
                fields["text"] = stored.text.map(JSONValue.string) ?? .null
                value = .object(fields)
            }
            print(value.serializedString())
            return
        }
        guard let bytes = stored.bytes else {
            throw HistoryFailure(stored.info.isDeletion
                ? "version \(version) of \(note) is its deletion; it has no text"
                : "the index did not keep the text of version \(version) of \(note)")
        }
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// A path given on the command line as the index names it: relative to the root.
private func notePath(_ path: String, root: String) -> String {
    var relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    while relative.hasPrefix("./") { relative.removeFirst(2) }
    return relative
}

private struct HistoryFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension NoteVersionInfo {
    var json: JSONValue {
        ["version": .integer(version), "checksum": checksum.map(JSONValue.string) ?? .null, "device": .string(device),
         "at": .integer(at), "size": .integer(size), "origin": .string(origin.rawValue),
         "deleted": .bool(isDeletion), "hasText": .bool(hasText)]
    }
}
