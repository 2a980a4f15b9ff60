import DarkroomQueue
import Foundation

/// When a failed delivery is tried again: exponential backoff with jitter, at least what the
/// endpoint's `Retry-After` asks, and never past the day after which the event is given up.
struct DeliverySchedule: Sendable {
    let retryBase: Duration
    let maxAttempts: Int

    /// What an attempt's outcome leaves the delivery as. `attempts` counts this one.
    func result(status: Int?, retryAfter: String?, attempts: Int, eventCreated: Date, now: Date,
                jitter: Double = Double.random(in: 0.8...1.2)) -> DeliveryResult {
        if let status, (200..<300).contains(status) { return .delivered }
        if status == 410 { return .gone }
        let giveUpAt = eventCreated + NotificationSettings.giveUpAfter
        guard attempts < maxAttempts, now < giveUpAt else { return .failed }
        let doubled = retryBase.timeInterval * pow(2, Double(min(attempts - 1, 20)))
        var delay = min(doubled, 3600) * jitter
        if let asked = Self.seconds(retryAfter: retryAfter, now: now) { delay = max(delay, asked) }
        let at = now + delay
        return at < giveUpAt ? .retry(at: at) : .failed
    }

    /// `Retry-After` as seconds from now: a whole number of seconds, or an HTTP date. Nil when
    /// absent or unreadable; never negative, never over a day.
    static func seconds(retryAfter: String?, now: Date) -> TimeInterval? {
        guard let text = retryAfter?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Digits only: more than nine of them is more than a day, the most anyone waits.
            guard text.utf8.count <= 9, let seconds = Int(text) else { return NotificationSettings.giveUpAfter }
            return min(TimeInterval(seconds), NotificationSettings.giveUpAfter)
        }
        guard let date = httpDate.date(from: text) else { return nil }
        return min(max(date.timeIntervalSince(now), 0), NotificationSettings.giveUpAfter)
    }

    private static let httpDate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }()
}
