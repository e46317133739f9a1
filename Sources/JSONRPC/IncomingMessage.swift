import JSON

/// One received JSON value, classified by the JSON-RPC 2.0 rules.
enum IncomingMessage: Equatable {
    case request(id: RequestID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RequestID, result: Result<JSONValue, ResponseError>)
    /// Not a valid message: answered with `error`, addressed to `id` when one could be read (else null).
    case invalid(id: RequestID?, error: ResponseError)
    /// A response that names no request of ours (e.g. the client's error about a message it could not
    /// read); only logged, since responses are never answered.
    case uncorrelated(String)

    init(_ json: JSONValue) {
        guard case .object(let members) = json else {
            // Batches are JSON-RPC, not LSP: refused with one -32600 (id null) rather than per element.
            let why = json.arrayValue != nil
                ? "batch requests are not supported; send one message per frame"
                : "expected a JSON object, got \(json.kindName)"
            self = .invalid(id: nil, error: .invalidRequest(why))
            return
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        guard members["jsonrpc"] == "2.0" else {
            self = .invalid(id: id, error: .invalidRequest("missing or unsupported \"jsonrpc\" member; expected \"2.0\""))
            return
        }
        if let method = members["method"] {
            guard case .string(let name) = method else {
                self = .invalid(id: id, error: .invalidRequest("\"method\" must be a string, got \(method.kindName)"))
                return
            }
            var params: JSONValue?
            switch members["params"] {
            case nil, .null?: params = nil
            case let value? where value.objectValue != nil || value.arrayValue != nil: params = value
            case let value?:
                self = .invalid(id: id, error: .invalidRequest("\"params\" must be an object or array, got \(value.kindName)"))
                return
            }
            switch (rawID, id) {
            case (nil, _): self = .notification(method: name, params: params)
            case (_, let id?): self = .request(id: id, method: name, params: params)
            case (let raw?, nil):
                self = .invalid(id: nil, error: .invalidRequest("\"id\" must be an integer or a string, got \(raw.kindName)"))
            }
            return
        }
        let error = members["error"]
        guard members["result"] != nil || error != nil else {
            self = .invalid(id: id, error: .invalidRequest(
                "neither a request nor a notification (no \"method\") nor a response (no \"result\" or \"error\")"))
            return
        }
        guard let id else {
            self = .uncorrelated("response without a usable id: \(json.serializedString().prefix(500))")
            return
        }
        if let error, !error.isNull {
            let received = ResponseError(json: error)
                ?? .internalError("malformed error object from the client: \(error.serializedString().prefix(200))")
            self = .response(id: id, result: .failure(received))
        } else {
            self = .response(id: id, result: .success(members["result"] ?? .null))
        }
    }
}
