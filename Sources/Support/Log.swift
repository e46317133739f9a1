import Foundation

/// Diagnostics for people: one timestamped line per message on stderr (stdout carries only frames),
/// optionally also handed to `sink` (the server forwards them as `window/logMessage`).
public enum Log {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case error = 1, warning, info, debug

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var description: String {
            switch self {
            case .error: "ERROR"
            case .warning: "WARN"
            case .info: "INFO"
            case .debug: "DEBUG"
            }
        }
    }

    /// The threshold and the sink; its lock also keeps two lines from interleaving on stderr.
    private static let state = Locked<(level: Level, sink: (@Sendable (Level, String) -> Void)?)>((.info, nil))

    /// Messages less severe than this are dropped (default `.info`).
    public static var level: Level {
        get { state.withLock { $0.level } }
        set { state.withLock { $0.level = newValue } }
    }

    /// Also receives every logged message that passes `level`; it must not log itself.
    public static var sink: (@Sendable (Level, String) -> Void)? {
        get { state.withLock { $0.sink } }
        set { state.withLock { $0.sink = newValue } }
    }

    public static func error(_ message: @autoclosure () -> String) { emit(.error, message) }
    public static func warning(_ message: @autoclosure () -> String) { emit(.warning, message) }
    public static func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public static func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }

    private static func emit(_ level: Level, _ message: () -> String) {
        let (threshold, sink) = state.withLock { ($0.level, $0.sink) }
        guard level <= threshold else { return }
        let text = message()
        let oneLine = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        let line = Array("\(timestamp()) \(level) \(oneLine)\n".utf8)
        state.withLock { _ in _ = line.withUnsafeBytes { writeAll(STDERR_FILENO, $0) } }
        sink?(level, text)
    }

    /// UTC time with milliseconds, e.g. 2025-01-31T09:15:02.123Z.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
