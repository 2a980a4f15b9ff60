@testable import DarkroomServer
import DarkroomQueue
import Foundation
import Testing

/// When a failed delivery is tried again: the backoff, `Retry-After` in both its forms, and the
/// limits after which an event is given up.
@Suite struct DeliveryScheduleTests {
    let now = Date(timeIntervalSince1970: 1_764_820_800)
    let schedule = DeliverySchedule(retryBase: .seconds(10), maxAttempts: 15)

    private func after(_ attempts: Int, status: Int? = 500, retryAfter: Int64? = nil, age: TimeInterval = 0) -> DeliveryResult {
        schedule.result(status: status, retryAfter: retryAfter, attempts: attempts, eventCreated: now - age, now: now, jitter: 1)
    }

    @Test func answersThatEndTheDelivery() {
        #expect(after(1, status: 200) == .delivered)
        #expect(after(1, status: 204) == .delivered)
        #expect(after(1, status: 410) == .gone)
    }

    @Test func theWaitDoublesUpToAnHour() {
        #expect(after(1) == .retry(at: now + 10))
        #expect(after(2) == .retry(at: now + 20))
        #expect(after(3, status: nil) == .retry(at: now + 40), "no answer at all is retried the same way")
        #expect(after(9) == .retry(at: now + 2560))
        #expect(after(10) == .retry(at: now + 3600))
        #expect(after(14) == .retry(at: now + 3600))
        #expect(after(15) == .failed, "the 15th failure gives up")
    }

    @Test func jitterStaysWithinAFifth() {
        let waits = (0..<200).map { _ in
            schedule.result(status: 503, retryAfter: nil, attempts: 4, eventCreated: now, now: now).retryDelay(from: now) ?? -1
        }
        #expect(waits.allSatisfy { (64...96).contains($0) }, "80 s ± 20 %: \(waits.min() ?? 0)…\(waits.max() ?? 0)")
        #expect(Set(waits).count > 1)
    }

    /// `Retry-After` as libcurl read it (seconds, or an HTTP date turned into seconds).
    @Test func retryAfterIsHonouredNeverShortened() {
        #expect(after(1, status: 429, retryAfter: 120) == .retry(at: now + 120))
        #expect(after(4, status: 503, retryAfter: 5) == .retry(at: now + 80), "a shorter Retry-After does not hurry the backoff")
        #expect(after(1, status: 503, retryAfter: .max) == .failed, "more than a day: past the give-up, and no overflow")
    }

    @Test func aDayAfterTheEventItIsGivenUp() {
        #expect(after(1, age: 86_400) == .failed)
        #expect(after(1, age: 86_395) == .failed, "the next attempt would come after the day")
        #expect(after(1, age: 86_000) == .retry(at: now + 10))
    }
}

extension DeliveryResult {
    fileprivate func retryDelay(from now: Date) -> TimeInterval? {
        if case .retry(let at) = self { return at.timeIntervalSince(now) }
        return nil
    }
}
