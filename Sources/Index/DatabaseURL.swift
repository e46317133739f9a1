import Foundation

/// Where the index lives, parsed from a `database` setting: a local SQLite file or a libSQL
/// server (Turso, sqld) reached over Hrana-over-HTTP.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case remote(RemoteDatabase)

    /// Parses `libsql://host[:port][/path][?authToken=…&tls=0]` (https; `tls=0` means http),
    /// `https://…`, `http://…`, `file:/path`, `file:///path` or a plain path. The auth token comes
    /// from `authToken` in the URL, else from `TURSO_AUTH_TOKEN` in `environment`.
    public static func parse(_ text: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DatabaseURLError) -> DatabaseURL
    {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw DatabaseURLError("the database setting is empty") }
        guard let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy(isSchemeCharacter),
              text.distance(from: text.startIndex, to: colon) > 1
        else {
            return .sqlite(path: expandHome(text, environment: environment))
        }
        let scheme = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        switch scheme {
        case "file":
            return .sqlite(path: try filePath(rest))
        case "libsql", "https", "http":
            return .remote(try RemoteDatabase(scheme: scheme, rest: rest, environment: environment))
        case "ws", "wss":
            throw DatabaseURLError("WebSocket URLs (\(scheme)://) are not supported: use libsql:// or https://")
        default:
            throw DatabaseURLError("unsupported database URL scheme '\(scheme):' (use libsql://, https://, http://, file: or a path)")
        }
    }

    /// The database named by `TURSO_DATABASE_URL`, else by `DATABASE_URL` when that is a
    /// libsql/http(s)/file URL (other uses of `DATABASE_URL`, such as postgres://, are ignored);
    /// nil when neither names one.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DatabaseURLError) -> DatabaseURL?
    {
        if let turso = environment["TURSO_DATABASE_URL"], !turso.trimmingCharacters(in: .whitespaces).isEmpty {
            return try parse(turso, environment: environment)
        }
        if let generic = environment["DATABASE_URL"]?.trimmingCharacters(in: .whitespaces),
           ["libsql:", "https:", "http:", "file:"].contains(where: { generic.lowercased().hasPrefix($0) })
        {
            return try parse(generic, environment: environment)
        }
        return nil
    }

    /// A description safe to log: the file path, or the server URL without any token.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "file:\(path)"
        case .remote(let remote): remote.baseURL
        }
    }

    private static func isSchemeCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".")
    }

    private static func expandHome(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty else { return path }
        return home + path.dropFirst()
    }

    /// `file:/p`, `file:///p`, `file://localhost/p` and `file:relative` → a path; query dropped.
    private static func filePath(_ rest: String) throws(DatabaseURLError) -> String {
        var rest = Substring(rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let host = rest[..<slash]
            guard host.isEmpty || host == "localhost" else {
                throw DatabaseURLError("file URLs must name a local path, not host '\(host)'")
            }
            rest = rest[slash...]
        }
        guard !rest.isEmpty, let path = String(rest).removingPercentEncoding else {
            throw DatabaseURLError("the file URL has no usable path")
        }
        return path
    }
}

/// A libSQL server: its base URL (scheme, host, port, path; never a token) and the auth token.
public struct RemoteDatabase: Sendable, Equatable {
    /// `https://host[:port][/path]`, without a trailing slash or query.
    public let baseURL: String
    /// `host[:port]`, for messages.
    public let host: String
    /// Sent only as `Authorization: Bearer …`; never printed.
    public let authToken: String?

    public init(baseURL: String, host: String, authToken: String?) {
        self.baseURL = baseURL
        self.host = host
        self.authToken = authToken
    }

    init(scheme: String, rest: String, environment: [String: String]) throws(DatabaseURLError) {
        guard rest.hasPrefix("//") else { throw DatabaseURLError("a \(scheme) URL needs '//' and a host") }
        var authority = Substring(rest.dropFirst(2))
        var query: Substring = ""
        if let mark = authority.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            query = authority[mark...].dropFirst().prefix(while: { $0 != "#" })
            authority = authority[..<mark]
        }
        var path: Substring = ""
        if let slash = authority.firstIndex(of: "/") {
            path = authority[slash...]
            authority = authority[..<slash]
        }
        guard !authority.contains("@") else {
            throw DatabaseURLError("put the auth token in ?authToken= or TURSO_AUTH_TOKEN, not before the host")
        }
        guard !authority.isEmpty, Self.isValidAuthority(authority) else {
            throw DatabaseURLError("the database URL has no valid host")
        }
        var token: String?
        var tls = scheme != "http"
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : ""
            switch parts[0] {
            case "authToken": token = value.isEmpty ? nil : value
            case "tls":
                switch value {
                case "0", "false": tls = false
                case "1", "true": tls = true
                default: throw DatabaseURLError("tls must be 0 or 1")
                }
            default: continue  // other client options do not matter to this client
            }
        }
        if token == nil, let fromEnvironment = environment["TURSO_AUTH_TOKEN"], !fromEnvironment.isEmpty {
            token = fromEnvironment
        }
        while path.hasSuffix("/") { path = path.dropLast() }
        host = authority.lowercased()
        baseURL = (tls ? "https://" : "http://") + host + path
        authToken = token
    }

    private static func isValidAuthority(_ authority: Substring) -> Bool {
        var hostPart = authority
        if authority.hasPrefix("[") {  // IPv6 literal
            guard let close = authority.firstIndex(of: "]") else { return false }
            hostPart = authority[...close]
            let after = authority[authority.index(after: close)...]
            return after.isEmpty || (after.hasPrefix(":") && isPort(after.dropFirst()))
        }
        if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            guard isPort(authority[authority.index(after: colon)...]) else { return false }
        }
        return !hostPart.isEmpty && hostPart.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    private static func isPort(_ text: Substring) -> Bool {
        guard let port = Int(text), text.allSatisfy(\.isNumber) else { return false }
        return (1...65535).contains(port)
    }
}

/// A database setting that cannot be used; the message never contains a token.
public struct DatabaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid database URL: \(message)" }
}
