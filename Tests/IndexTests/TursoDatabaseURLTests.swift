import Testing
@testable import Index

@Suite struct TursoDatabaseURLTests {
    let noEnvironment: [String: String] = [:]

    func remote(_ text: String, _ environment: [String: String] = [:]) throws -> RemoteDatabase {
        guard case .remote(let remote) = try DatabaseURL.parse(text, environment: environment) else {
            Issue.record("\(text) did not parse as a remote database")
            throw DatabaseURLError("not remote")
        }
        return remote
    }

    @Test func libsqlMeansHTTPSAndTakesTheTokenFromTheQuery() throws {
        let db = try remote("libsql://my-db-org.turso.io?authToken=secret-token")
        #expect(db == RemoteDatabase(baseURL: "https://my-db-org.turso.io", host: "my-db-org.turso.io",
                                     authToken: "secret-token"))
        #expect(!DatabaseURL.remote(db).redacted.contains("secret"))
    }

    @Test func tlsZeroMeansHTTP() throws {
        #expect(try remote("libsql://127.0.0.1:8080?tls=0").baseURL == "http://127.0.0.1:8080")
        #expect(try remote("libsql://host?tls=false&authToken=t").baseURL == "http://host")
        #expect(throws: DatabaseURLError.self) { try DatabaseURL.parse("libsql://host?tls=maybe", environment: [:]) }
    }

    @Test func httpAndHTTPSKeepTheirSchemeAndPath() throws {
        #expect(try remote("https://Example.COM:8443/base/").baseURL == "https://example.com:8443/base")
        #expect(try remote("http://127.0.0.1:9000").host == "127.0.0.1:9000")
        #expect(try remote("http://[::1]:9000").baseURL == "http://[::1]:9000")
    }

    @Test func theTokenFallsBackToTheEnvironmentAndTheURLWins() throws {
        #expect(try remote("libsql://h", ["TURSO_AUTH_TOKEN": "from-env"]).authToken == "from-env")
        #expect(try remote("libsql://h?authToken=from-url", ["TURSO_AUTH_TOKEN": "from-env"]).authToken == "from-url")
        #expect(try remote("libsql://h", ["TURSO_AUTH_TOKEN": ""]).authToken == nil)
        #expect(try remote("libsql://h?authToken=a%2Bb").authToken == "a+b")
    }

    @Test func filesAndPlainPathsAreLocalSQLite() throws {
        #expect(try DatabaseURL.parse("file:/var/index.db", environment: noEnvironment) == .sqlite(path: "/var/index.db"))
        #expect(try DatabaseURL.parse("file:///var/my%20index.db", environment: noEnvironment) == .sqlite(path: "/var/my index.db"))
        #expect(try DatabaseURL.parse("file://localhost/var/i.db?mode=rwc", environment: noEnvironment) == .sqlite(path: "/var/i.db"))
        #expect(try DatabaseURL.parse("file:relative.db", environment: noEnvironment) == .sqlite(path: "relative.db"))
        #expect(try DatabaseURL.parse("/abs/index.db", environment: noEnvironment) == .sqlite(path: "/abs/index.db"))
        #expect(try DatabaseURL.parse("./dir:with:colons.db", environment: noEnvironment) == .sqlite(path: "./dir:with:colons.db"))
        #expect(try DatabaseURL.parse("~/index.db", environment: ["HOME": "/home/u"]) == .sqlite(path: "/home/u/index.db"))
        #expect(DatabaseURL.sqlite(path: "/a b.db").redacted == "file:/a b.db")
    }

    @Test(arguments: ["", "   ", "libsql://", "libsql:host", "https://user:pw@host", "https://host:99999",
                      "https://ho st", "wss://host", "postgres://db", "file://otherhost/x.db", "file:"])
    func unusableSettingsAreClearErrors(text: String) {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL.parse(text, environment: [:]) }
    }

    @Test func errorsNeverRepeatTheToken() {
        do {
            _ = try DatabaseURL.parse("wss://host?authToken=sekrit", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("sekrit"))
        }
    }

    @Test func environmentPrefersTursoDatabaseURLAndIgnoresForeignDatabaseURLs() throws {
        #expect(try DatabaseURL.fromEnvironment([:]) == nil)
        #expect(try DatabaseURL.fromEnvironment(["DATABASE_URL": "postgres://x/y"]) == nil)
        #expect(try DatabaseURL.fromEnvironment(["DATABASE_URL": "file:/x.db"]) == .sqlite(path: "/x.db"))
        let both = ["TURSO_DATABASE_URL": "libsql://t.example", "DATABASE_URL": "file:/x.db", "TURSO_AUTH_TOKEN": "k"]
        #expect(try DatabaseURL.fromEnvironment(both)
            == .remote(RemoteDatabase(baseURL: "https://t.example", host: "t.example", authToken: "k")))
        #expect(throws: DatabaseURLError.self) { try DatabaseURL.fromEnvironment(["TURSO_DATABASE_URL": "ftp://x"]) }
    }
}
