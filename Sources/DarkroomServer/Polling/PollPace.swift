import Foundation

/// Spaces this process's queries to the provider: at most `ratePerSecond`, all pollers
/// together, and none at all until a time the provider asked for (429 with `Retry-After`).
actor PollPace {
    private let spacing: TimeInterval
    private var nextSlot = Date.distantPast

    init(ratePerSecond: Double) {
        spacing = 1 / max(ratePerSecond, 0.001)
    }

    /// Takes the next free slot and waits for it; throws when the task is cancelled.
    func waitForSlot() async throws {
        let now = Date()
        let slot = max(now, nextSlot)
        nextSlot = slot + spacing
        let wait = slot.timeIntervalSince(now)
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
    }

    /// No query before `seconds` from now.
    func pause(for seconds: TimeInterval) {
        nextSlot = max(nextSlot, Date() + seconds)
    }
}
