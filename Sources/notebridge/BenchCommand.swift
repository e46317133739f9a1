import ArgumentParser
import Foundation
import Server
import Tools
import Vault

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure file operations, saves, change notifications and search on the root's file system next to a local folder.",
        discussion: """
            Works in a folder notebridge-bench-<random> inside the root and inside the local folder, and removes \
            both afterwards. Without --database, saves and notifications use a scratch SQLite index and search \
            uses the root's usual index; with --database, the bench notes written to it are removed again. \
            Every loop ends at its count or its time limit.
            """)

    /// The folder to measure and the index to use; bench notes are written to it and removed again.
    @OptionGroup var folder: FolderOptions

    @Option(help: "A folder on the local disk to compare with (default: a new temporary folder).")
    var local: String?

    @Option(help: "Repetitions of each file operation and save (1–10000).")
    var iterations = 100

    @Option(help: "Time limit of each metric, in seconds.")
    var seconds = 10.0

    @Option(help: "Files in the listing test.")
    var listFiles = 1_000

    @Option(help: "Search queries to time.")
    var queries = 1_000

    @Option(help: "Saves whose notification is timed (each waits for bridge B to hear of it).")
    var notifyRounds = 20

    @Option(help: "Seconds between bridge B's polls of the change feed (the server's --poll-interval).")
    var pollInterval = 1.0

    @Option(help: "Only these groups, comma-separated: files, save, notify, search.")
    var only: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(iterations) else { throw ValidationError("--iterations must be between 1 and 10000") }
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be between 0 and 3600") }
        guard (1...100_000).contains(listFiles) else { throw ValidationError("--list-files must be between 1 and 100000") }
        guard (1...100_000).contains(queries) else { throw ValidationError("--queries must be between 1 and 100000") }
        guard (1...1_000).contains(notifyRounds) else { throw ValidationError("--notify-rounds must be between 1 and 1000") }
        guard pollInterval > 0, pollInterval <= 60 else { throw ValidationError("--poll-interval must be between 0 and 60 seconds") }
        _ = try groups()
        _ = try folder.requiredRoot()
    }

    func run() throws {
        var request = BenchRequest(root: try folder.requiredRoot(), database: folder.database, local: local)
        request.iterations = iterations
        request.secondsPerMetric = seconds
        request.listFiles = listFiles
        request.searchQueries = queries
        request.notifyRounds = notifyRounds
        request.pollInterval = pollInterval
        request.groups = try groups()
        let report: BenchReport
        do {
            report = try Bench.run(request) { step in
                FileHandle.standardError.write(Data("bench: \(step)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(json ? report.json.serializedString() : report.table)
    }

    private func groups() throws -> Set<BenchRequest.Group> {
        guard let only else { return Set(BenchRequest.Group.allCases) }
        var chosen = Set<BenchRequest.Group>()
        for name in only.split(separator: ",") {
            guard let group = BenchRequest.Group(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--only: unknown group '\(name)' (use files, save, notify, search)")
            }
            chosen.insert(group)
        }
        return chosen
    }
}
