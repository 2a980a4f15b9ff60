import Foundation

/// When a task is polled again: `interval` after the first poll, doubling after each, at most
/// `PollSettings.maxInterval`, spread by ±20 % so that tasks registered together do not stay in
/// step; never sooner than the provider's `Retry-After`.
struct PollSchedule {
    let interval: Duration

    /// `tries`: polls made so far, this one included.
    func delay(afterTries tries: Int, retryAfter: Int64?, random: Double = Double.random(in: 0.8...1.2)) -> TimeInterval {
        let doublings = Double(min(max(tries - 1, 0), 30))
        let base = min(interval.timeInterval * pow(2, doublings), PollSettings.maxInterval.timeInterval)
        let asked = Double(min(max(retryAfter ?? 0, 0), 86_400))
        return max(base * random, asked)
    }
}
