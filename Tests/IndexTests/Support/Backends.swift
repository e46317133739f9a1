import Foundation
import Index

/// A way to get executors for the shared index test suite. `make(name)` opens the database
/// called `name`, creating it empty the first time; two calls with one name share the database.
/// The Turso backend adds itself to `Backends.all` to run the same suite over Hrana.
struct Backend: Sendable, CustomStringConvertible {
    var name: String
    var make: @Sendable (_ database: String) throws -> any SQLExecutor
    var description: String { name }

    /// A fresh, uniquely named database.
    func fresh() throws -> any SQLExecutor { try make(Self.uniqueName()) }

    static func uniqueName() -> String { "index-test-" + UUID().uuidString.lowercased() }

    static let sqlite = Backend(name: "sqlite") { database in
        try SQLiteExecutor(path: TemporaryFolder.shared.path + "/" + database + ".sqlite")
    }
}

enum Backends {
    static let all: [Backend] = [.sqlite, .turso]
}
