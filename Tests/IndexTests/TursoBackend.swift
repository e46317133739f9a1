import Foundation
import Index

extension Backend {
    /// The shared index suite over Hrana-over-HTTP: every database is a path segment on one
    /// shared test server (started on first use, stopped by PID when the test process exits).
    static let turso = Backend(name: "turso") { database in
        HranaExecutor(database: try TursoSharedServer.server.get().database(named: database))
    }
}

enum TursoSharedServer {
    static let server: Result<TursoTestServer, any Error> = {
        let started = Result { try TursoTestServer(folder: true) }
        atexit { try? TursoSharedServer.server.get().stop() }
        return started
    }()
}
