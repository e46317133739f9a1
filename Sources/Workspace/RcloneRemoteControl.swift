import Foundation
import HTTP
import JSON

/// A failed call to rclone's remote control. Messages name the host, never the credentials.
public enum RcloneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote-control URL is not an http(s) URL with a host.
    case invalidURL
    /// No answer from rclone (not running, wrong port, timeout).
    case unreachable(host: String, reason: String)
    /// rclone refused the user name or password.
    case unauthorized(host: String)
    /// rclone answered the call with an error.
    case failed(host: String, call: String, message: String)
    /// The directory does not exist in the remote, even after refreshing its parent.
    case directoryNotFound(host: String, directory: String)
    /// The answer was not the JSON this client expects.
    case unexpectedAnswer(host: String, call: String)

    public var description: String {
        switch self {
        case .invalidURL: "the rclone remote-control URL must look like http://user:password@127.0.0.1:5572/"
        case .unreachable(let host, let reason): "rclone's remote control at \(host) did not answer: \(reason)"
        case .unauthorized(let host): "rclone's remote control at \(host) refused the user name or password"
        case .failed(let host, let call, let message): "rclone's remote control at \(host) failed \(call): \(message)"
        case .directoryNotFound(let host, let directory): "rclone at \(host) does not know the folder \"\(directory)\""
        case .unexpectedAnswer(let host, let call): "rclone's remote control at \(host) gave an unexpected answer to \(call)"
        }
    }
}

/// rclone's remote-control API (`rclone mount … --rc`), used to make a mount re-list a folder and to
/// learn whether saved files have been uploaded.
public struct RcloneRemoteControl: Sendable {
    /// "scheme://host:port/" without credentials, or nil if the URL given was not usable.
    private let base: String?
    private let authorization: (String, String)?
    private let client = HTTPClient(connectTimeout: 2, timeout: 30, maxResponseBytes: 8 << 20)

    /// A client for `url` (like http://user:pass@127.0.0.1:5572/); `user` and `password`, when given,
    /// replace credentials embedded in the URL. A bad URL makes every call throw `.invalidURL`.
    public init(url: String, user: String?, password: String?) {
        let parsed = RcloneRemoteControl.parse(url)
        base = parsed?.base
        let user = user ?? parsed?.user
        let password = password ?? parsed?.password
        authorization = user.map { HTTPRequest.basicAuthorization(user: $0, password: password ?? "") }
    }

    /// A client for a URL from the settings; without credentials in it, RCLONE_RC_USER and
    /// RCLONE_RC_PASS from `environment` are used, as rclone itself does.
    public init(settingsURL: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(RcloneError) {
        guard let parsed = RcloneRemoteControl.parse(settingsURL) else { throw .invalidURL }
        self.init(url: settingsURL,
                  user: parsed.user == nil ? environment["RCLONE_RC_USER"] : nil,
                  password: parsed.user == nil ? environment["RCLONE_RC_PASS"] : nil)
    }

    /// Makes the mount re-list `directory` (relative to the mount, "" for its root) so objects written
    /// elsewhere show up. A folder rclone has not listed yet is reached by refreshing its parent first.
    /// `recursive` re-lists everything below it too (what a scan for writers that bypass the mount needs).
    public func refresh(directory: String, recursive: Bool = false) throws(RcloneError) {
        let directory = directory.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        guard try refreshReachingDown(directory, recursive: recursive) else {
            throw .directoryNotFound(host: host, directory: directory)
        }
    }

    /// Files in the mount's cache waiting to be uploaded, and files being uploaded now.
    public func pendingUploads() throws(RcloneError) -> (queued: Int, inProgress: Int) {
        let stats = try call("vfs/stats")
        guard let cache = stats["diskCache"], let queued = cache["uploadsQueued"]?.intValue,
              let inProgress = cache["uploadsInProgress"]?.intValue else {
            throw .unexpectedAnswer(host: host, call: "vfs/stats")
        }
        return (queued, inProgress)
    }

    /// rclone's version, like "v1.60.1".
    public func version() throws(RcloneError) -> String {
        guard let version = try call("core/version")["version"]?.stringValue else {
            throw .unexpectedAnswer(host: host, call: "core/version")
        }
        return version
    }

    /// The remote-control commands this rclone offers (`rc/list`), like "vfs/refresh".
    public func commands() throws(RcloneError) -> Set<String> {
        guard let list = try call("rc/list")["commands"]?.arrayValue else { throw .unexpectedAnswer(host: host, call: "rc/list") }
        return Set(list.compactMap { $0["Path"]?.stringValue })
    }

    /// One file in the mount's upload queue: `name` is its path inside the mount.
    public struct QueuedUpload: Sendable, Equatable {
        public var name: String
        public var id: Int64
        public var uploading: Bool
        /// Bytes to upload, when rclone says.
        public var size: Int64? = nil
    }

    /// The files waiting in the mount's write-back queue (`vfs/queue`, rclone 1.64 and later).
    public func uploadQueue() throws(RcloneError) -> [QueuedUpload] {
        guard let queue = try call("vfs/queue")["queue"]?.arrayValue else { throw .unexpectedAnswer(host: host, call: "vfs/queue") }
        return queue.compactMap { item in
            guard let name = item["name"]?.stringValue, let id = item["id"]?.integerValue else { return nil }
            return QueuedUpload(name: name, id: id, uploading: item["uploading"]?.boolValue ?? false, size: item["size"]?.integerValue)
        }
    }

    /// Starts the queued upload `id` now instead of after the write-back delay (`vfs/queue-set-expiry`).
    public func uploadNow(id: Int64) throws(RcloneError) {
        _ = try call("vfs/queue-set-expiry", ["id": .integer(id), "expiry": .integer(0)])
    }

    /// The mount's VFS options (CacheMode, WriteBack, DirCacheTime… as rclone reports them).
    public func vfsOptions() throws(RcloneError) -> JSONValue {
        guard let options = try call("options/get")["vfs"], options.objectValue != nil else {
            throw .unexpectedAnswer(host: host, call: "options/get")
        }
        return options
    }

    /// The size and MD5 (when the backend has one) of the object at `path` (relative to the mount's
    /// root) in the remote itself, not the mount's cache; nil if there is no such file.
    public func remoteObject(path: String) throws(RcloneError) -> (size: Int64, md5: String?)? {
        guard let remote = try call("vfs/list")["vfses"]?.arrayValue?.first?.stringValue else {
            throw .unexpectedAnswer(host: host, call: "vfs/list")
        }
        let answer = try call("operations/stat", [
            "fs": .string(remote), "remote": .string(path), "opt": ["showHash": true, "hashTypes": ["md5"]],
        ])
        guard let item = answer["item"], item.objectValue != nil else { return nil }
        guard item["IsDir"]?.boolValue != true else { return nil }
        guard let size = item["Size"]?.integerValue else { throw .unexpectedAnswer(host: host, call: "operations/stat") }
        let md5 = item["Hashes"]?["md5"]?.stringValue
        return (size, md5?.isEmpty == false ? md5 : nil)
    }

    /// Refreshes `directory`, first refreshing the parents rclone has not listed yet; false if it does not exist.
    private func refreshReachingDown(_ directory: String, recursive: Bool) throws(RcloneError) -> Bool {
        if try refreshOnce(directory, recursive: recursive) { return true }
        guard !directory.isEmpty else { return false }
        let parent = FileSystem.parent(of: directory)
        guard try refreshReachingDown(parent == "." ? "" : parent, recursive: false) else { return false }
        return try refreshOnce(directory, recursive: recursive)
    }

    /// One vfs/refresh; false if rclone says the folder does not exist (it answers 200 and says so in the body).
    private func refreshOnce(_ directory: String, recursive: Bool) throws(RcloneError) -> Bool {
        // rclone 1.60 takes "recursive" only as a string, and the root only as a missing "dir".
        var parameters: [String: JSONValue] = ["recursive": recursive ? "true" : "false"]
        if !directory.isEmpty { parameters["dir"] = .string(directory) }
        let answer = try call("vfs/refresh", .object(parameters))
        guard let outcome = answer["result"]?[directory]?.stringValue else {
            throw .unexpectedAnswer(host: host, call: "vfs/refresh")
        }
        if outcome == "OK" { return true }
        if outcome.contains("file does not exist") || outcome.contains("not found") { return false }
        throw .failed(host: host, call: "vfs/refresh", message: outcome)
    }

    /// POSTs `parameters` to `base + method` and returns the JSON answer.
    private func call(_ method: String, _ parameters: JSONValue = [:]) throws(RcloneError) -> JSONValue {
        guard let base else { throw .invalidURL }
        var headers = [("Content-Type", "application/json")]
        if let authorization { headers.append(authorization) }
        let response: HTTPResponse
        do {
            response = try client.send(HTTPRequest(url: base + method, method: "POST", headers: headers, body: parameters.serialized()))
        } catch {
            throw .unreachable(host: host, reason: "\(error)")
        }
        if response.status == 401 || response.status == 403 { throw .unauthorized(host: host) }
        let answer = try? JSONValue.parse(response.body)
        guard response.status == 200 else {
            let message = answer?["error"]?.stringValue ?? "HTTP status \(response.status)"
            throw .failed(host: host, call: method, message: message)
        }
        guard let answer, answer.objectValue != nil else { throw .unexpectedAnswer(host: host, call: method) }
        return answer
    }

    private var host: String { base.map { HTTPClient.displayHost(of: $0) } ?? "(invalid URL)" }

    /// The URL without credentials (ending in "/"), and the credentials it carried.
    private static func parse(_ url: String) -> (base: String, user: String?, password: String?)? {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil else { return nil }
        let user = components.user
        let password = components.password
        components.user = nil
        components.password = nil
        if !components.path.hasSuffix("/") { components.path += "/" }
        guard let base = components.string else { return nil }
        return (base, user, password)
    }
}
