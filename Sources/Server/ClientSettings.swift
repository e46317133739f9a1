import JSON
import JSONRPC
import Vault

extension Settings {
    /// Reads the client's settings object; `path` names it in errors.
    init(client value: JSONValue?, path: String) throws(ResponseError) {
        // Clients nest settings differently: {"notebridge": {...}} or the keys directly.
        self.init()
        let params = Params(value?["notebridge"] ?? value, path: path)
        guard params.raw == nil || params.raw?.objectValue != nil else { throw .invalidParams("\(path): expected object") }
        root = try params.optionalString("root")
        database = try params.optionalString("database")
        device = try params.optionalString("device")
        pollInterval = try params.optionalDouble("pollInterval")
        scanInterval = try params.optionalDouble("scanInterval")
        rcloneRC = try params.optionalString("rcloneRc")
        saveTimeout = try params.optionalDouble("saveTimeout")
        allowBroadRoot = try params.optionalBool("allowBroadRoot") ?? false
        historyDays = try params.optionalDouble("historyDays")
        historyKeep = try params.optionalInteger("historyKeep")
        if let historyDays, !(historyDays > 0 && historyDays <= 36_500) {
            throw .invalidParams("\(path).historyDays: must be a number of days between 0 and 36500")
        }
        if let historyKeep, !(1...100_000).contains(historyKeep) {
            throw .invalidParams("\(path).historyKeep: must be a whole number between 1 and 100000")
        }
        for (key, interval) in [("pollInterval", pollInterval), ("scanInterval", scanInterval), ("saveTimeout", saveTimeout)] {
            if let interval, !(interval > 0 && interval <= 86_400) {
                throw .invalidParams("\(path).\(key): must be a number of seconds between 0 and 86400")
            }
        }
    }
}
