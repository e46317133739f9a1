import ArgumentParser
import Foundation
import Index
import JSON
import Server
import Support
import Vault

/// `notebridge history PATH` (the versions the index keeps of a note, newest first) or
/// `notebridge history --deleted` (notes whose newest version is a deletion). Read-only.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the versions the index keeps of a note, newest first (also for a deleted note), or the deleted notes.")

    @Argument(help: "The note: a path relative to --root, or an absolute path inside it.")
    var path: String?

    @OptionGroup var vault: VaultOptions

    @Option(help: "At most this many versions or deleted notes (1–10000).")
    var limit = 50

    @Flag(help: "List the deleted notes that can be brought back (`notebridge restore PATH --version N`).")
    var deleted = false

    @Flag(help: "Print the versions as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        guard (path == nil) == deleted else { throw ValidationError("give either a note's PATH or --deleted") }
    }

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        guard let path else { return try listDeleted(opened) }
        let note = notePath(path, root: opened.root.path)
        let versions = try opened.index.history(path: note, limit: limit)
        if json {
            print(JSONValue.object(["path": .string(note), "versions": .array(versions.map(\.json))]).serializedString())
            return
        }
        guard !versions.isEmpty else { throw HistoryFailure("the index keeps no versions of \(note)") }
        for version in versions { print(version.line) }
    }

    private func listDeleted(_ opened: VaultContext) throws {
        let notes = try opened.index.deletedNotes(limit: limit)
        if json {
            print(JSONValue.array(notes.map { note in
                ["path": .string(note.deletion.path), "deletion": note.deletion.json, "restorable": note.lastText.map(\.json) ?? .null]
            }).serializedString())
            return
        }
        for note in notes {
            let restore = note.lastText.map { "restore: notebridge restore \(note.deletion.path) --version \($0.version)" }
                ?? "no text kept"
            print("\(note.deletion.path)  deleted \(note.deletion.when) by \(note.deletion.device)  \(restore)")
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
        if json {
            guard let stored = try opened.index.version(path: note, version: version) else {
                throw VersionLookupError.notKept(path: note, version: version)
            }
            var fields = stored.info.fields
            fields["text"] = stored.text.map(JSONValue.string) ?? .null
            print(JSONValue.object(fields).serializedString())
            return
        }
        let kept = try opened.keptVersion(path: note, version: version)
        FileHandle.standardOutput.write(Data(kept.text.utf8))
    }
}

/// `notebridge restore PATH --version N`: saves that version's text as the note's newest version,
/// through the same compare-and-swap save as an editor's (never over a version it has not seen;
/// a deleted note is re-created).
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Save an older version of a note (see `notebridge history`) as its newest version; brings back a deleted note.")

    @Argument(help: "The note: a path relative to --root, or an absolute path inside it.")
    var path: String

    @Option(help: "The version to bring back.")
    var version: Int64

    @Option(help: "Save over this version only (default: the version the index holds now).")
    var baseVersion: Int64?

    @OptionGroup var vault: VaultOptions

    func validate() throws {
        guard version >= 1 else { throw ValidationError("--version must be 1 or more") }
        if let baseVersion, baseVersion < 0 { throw ValidationError("--base-version must be 0 or more") }
    }

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        let note = try opened.root.resolve(relativePath: notePath(path, root: opened.root.path))
        let output = try opened.restore(note, version: version, baseVersion: baseVersion)
        switch output.status {
        case .saved: print("restored \(note.relative) version \(version) as version \(output.record.version)")
        case .unchanged: print("\(note.relative) already has the text of version \(version) (version \(output.record.version))")
        case .merged:
            print("restored \(note.relative) version \(version), merged with a newer save, as version \(output.record.version)")
        case .conflict:
            throw HistoryFailure("\(note.relative) changed meanwhile (now version \(output.record.version)) and version \(version) "
                + "does not merge with it; its text is in \(output.conflict?.copyPath ?? "a conflict copy"), the note is unchanged")
        }
    }
}

/// `--history-days` and `--history-keep`: how long the background pruning keeps versions.
struct RetentionOptions: ParsableArguments {
    @Option(help: "Keep every version younger than this many days (default 30).")
    var historyDays: Double?

    @Option(help: "Keep at least this many versions of each note however old (default 50).")
    var historyKeep: Int?

    func validate() throws {
        if let historyDays, !(historyDays > 0 && historyDays <= 36_500) {
            throw ValidationError("--history-days must be between 0 and 36500")
        }
        if let historyKeep, !(1...100_000).contains(historyKeep) {
            throw ValidationError("--history-keep must be between 1 and 100000")
        }
    }

    func apply(to settings: inout Settings) {
        settings.historyDays = historyDays
        settings.historyKeep = historyKeep
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
    /// One line of `notebridge history`.
    var line: String {
        let what = isDeletion ? "deleted" : "\(size) bytes" + (hasText ? "" : " (text not kept)")
        return "v\(version)  \(when)  \(device)  \(origin.rawValue)  \(what)"
    }
}
