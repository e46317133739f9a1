import Foundation

/// Dates as the protocol and the status file write them: RFC 3339 in UTC.
public enum Timestamp {
    /// e.g. 2025-01-31T09:15:02Z, or 2025-01-31T09:15:02.123Z with `fractionalSeconds`.
    public static func iso8601(_ date: Date, fractionalSeconds: Bool = false) -> String {
        let formatter = ISO8601DateFormatter()
        if fractionalSeconds { formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds] }
        return formatter.string(from: date)
    }
}
