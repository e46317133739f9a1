import CCurl
import Foundation

public struct HTTPRequest: Sendable {
    public var url: String
    public var method: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Total time allowed for this request, in seconds; nil uses the client's default.
    public var timeout: Double?

    public init(url: String, method: String = "POST", headers: [(String, String)] = [], body: [UInt8] = [],
                timeout: Double? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// An `Authorization: Basic …` header.
    public static func basicAuthorization(user: String, password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]
}

public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request certainly never reached the server (no connection could be made).
    case notSent(host: String, reason: String)
    /// The request may or may not have been processed (timeout, connection reset, …).
    case failed(host: String, reason: String)
    case responseTooLarge(host: String, limit: Int)

    public var description: String {
        switch self {
        case .notSent(let host, let reason): "could not connect to \(host): \(reason)"
        case .failed(let host, let reason): "request to \(host) failed: \(reason)"
        case .responseTooLarge(let host, let limit): "response from \(host) exceeded \(limit) bytes"
        }
    }
}

/// A blocking HTTP client over one libcurl easy handle, so connections are kept alive between
/// requests. Calls are serialised by a lock; use one client per concurrent caller if needed.
public final class HTTPClient: @unchecked Sendable {
    // Safe: the curl handle is used only under `lock`.
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer
    private let connectTimeout: Double
    private let timeout: Double
    private let maxResponseBytes: Int

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(connectTimeout: Double = 5, timeout: Double = 30, maxResponseBytes: Int = 64 << 20) {
        _ = Self.globalInit
        handle = curl_easy_init()
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    deinit { curl_easy_cleanup(handle) }

    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        let host = Self.displayHost(of: request.url)
        curl_easy_reset(handle)  // keeps live connections and the DNS cache

        let sink = ResponseSink(limit: maxResponseBytes)
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<ResponseSink>.fromOpaque(sinkPointer).release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        headerList = curl_slist_append(headerList, "Expect:")  // no 100-continue round trip

        let code: CURLcode = request.body.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                nb_curl_set_string(handle, CURLOPT_URL, request.url)
                nb_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
                if request.method != "GET" {
                    nb_curl_set_long(handle, CURLOPT_POST, 1)
                    nb_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                    nb_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(errors.baseAddress!)))
                }
                nb_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList)
                nb_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
                nb_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
                nb_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int((request.timeout ?? timeout) * 1000))
                nb_curl_set_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
                nb_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
                nb_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
                nb_curl_set_write_callback(handle) { data, size, count, context in
                    Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                        .appendBody(UnsafeRawBufferPointer(start: data, count: size * count))
                }
                nb_curl_set_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
                nb_curl_set_header_callback(handle) { data, size, count, context in
                    Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                        .appendHeader(UnsafeRawBufferPointer(start: data, count: size * count))
                }
                nb_curl_set_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)
                return curl_easy_perform(handle)
            }
        }

        guard code == CURLE_OK else {
            if sink.overflowed { throw .responseTooLarge(host: host, limit: maxResponseBytes) }
            let detail = String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            switch code {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_UNSUPPORTED_PROTOCOL,
                 CURLE_URL_MALFORMAT:
                throw .notSent(host: host, reason: Self.redacting(reason, of: request.url))
            default:
                throw .failed(host: host, reason: Self.redacting(reason, of: request.url))
            }
        }
        var status = 0
        nb_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// `scheme://host:port` of a URL, without credentials, path or query: what errors may show.
    public static func displayHost(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "(invalid URL)" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(host)\(port)"
    }

    /// curl error texts can quote the URL; make sure no credentials or query string leak with it.
    private static func redacting(_ text: String, of url: String) -> String {
        text.replacingOccurrences(of: url, with: displayHost(of: url))
    }
}

private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false

    init(limit: Int) { self.limit = limit }

    func appendBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= limit else {
            overflowed = true
            return 0  // makes curl abort the transfer
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    func appendHeader(_ line: UnsafeRawBufferPointer) -> Int {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") { headers.removeAll() }  // a new response (after redirects or 100)
        if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            headers[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return line.count
    }
}
