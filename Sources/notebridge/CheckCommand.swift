import ArgumentParser
import Foundation
import Index
import JSON
import Notes
import Server
import Tools
import Vault

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List every link to no note and every permalink used by several notes; exit code 1 if there is any.")

    @OptionGroup var vault: VaultOptions

    @Flag(help: "Print the result as JSON (ranges in UTF-16 columns, as LSP does by default).")
    var json = false

    func run() throws {
        let opened = try VaultContext(settings: vault.settings)
        // Bring the index up to date first (incremental: unchanged files are not opened).
        _ = try Indexer.index(vault: opened)
        let problems = try opened.index.vaultProblems()
        if json {
            print(Server.report(problems, uri: nil, encoding: .utf16).serializedString())
        } else {
            for link in problems.unresolvedLinks {
                // Line and column (1-based, in characters) the way compilers print them.
                print("\(link.sourcePath):\(link.span.line + 1):\(link.span.utf16.lowerBound + 1): unresolved link [[\(link.target)]]")
            }
            for duplicate in problems.duplicatePermalinks {
                print("duplicate permalink \(duplicate.permalink): \(duplicate.paths.joined(separator: ", "))")
            }
            let count = problems.unresolvedLinks.count + problems.duplicatePermalinks.count
            print(count == 0 ? "no problems in \(opened.root.path)"
                : "\(problems.unresolvedLinks.count) unresolved links, \(problems.duplicatePermalinks.count) duplicate permalinks")
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
