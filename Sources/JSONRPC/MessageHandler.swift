import JSON

/// What a server plugs into a `Connection`: it receives every request and notification except
/// `$/cancelRequest` (which the connection handles) and answers unknown methods itself (-32601).
public protocol MessageHandler: Sendable {
    /// Called on the reader thread in arrival order; must return quickly (spawn work via connection.answer).
    func handleRequest(id: RequestID, method: String, params: JSONValue?, connection: Connection)
    /// Called on the reader thread in arrival order; must return quickly.
    func handleNotification(method: String, params: JSONValue?, connection: Connection)
}
