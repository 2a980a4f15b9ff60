import DarkroomQueue
import Foundation

/// When a failed delivery is tried again: exponential backoff with jitter, at least what the
/// endpoint's `Retry-After` asks, and never past the day after which the event is given up.
struct DeliverySchedule: Sendable {
    let retryBase: Duration
    let maxAttempts: Int

    /// What an attempt's outcome leaves the delivery as. `attempts` counts this one.
    /// `retryAfter`: the seconds the endpoint's `Retry-After` asked for.
    func result(status: Int?, retryAfter: Int64?, attempts: Int, eventCreated: Date, now: Date,
                jitter: Double = Double.random(in: 0.8...1.2)) -> DeliveryResult {
        if let status, (200..<300).contains(status) { return .delivered }
        if status == 410 { return .gone }
        let giveUpAt = eventCreated + NotificationSettings.giveUpAfter
        guard attempts < maxAttempts, now < giveUpAt else { return .failed }
        let doubled = retryBase.timeInterval * pow(2, Double(min(attempts - 1, 20)))
        var delay = min(doubled, 3600) * jitter
        // Capped at a day, the most anyone waits: a wait past the give-up then fails below.
        if let retryAfter { delay = max(delay, min(TimeInterval(retryAfter), NotificationSettings.giveUpAfter)) }
        let at = now + delay
        return at < giveUpAt ? .retry(at: at) : .failed
    }
}
