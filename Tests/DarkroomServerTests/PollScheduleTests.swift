@testable import DarkroomServer
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// The poll schedule and the query URL, without a server.
@Suite struct PollScheduleTests {
    let schedule = PollSchedule(interval: .seconds(60))

    @Test func theWaitDoublesFromTheIntervalToHalfAnHour() {
        #expect(schedule.delay(afterTries: 1, retryAfter: nil, random: 1) == 60)
        #expect(schedule.delay(afterTries: 2, retryAfter: nil, random: 1) == 120)
        #expect(schedule.delay(afterTries: 5, retryAfter: nil, random: 1) == 960)
        #expect(schedule.delay(afterTries: 6, retryAfter: nil, random: 1) == 1800, "1,920 s is over the cap")
        #expect(schedule.delay(afterTries: 10_000, retryAfter: nil, random: 1) == 1800, "no overflow however many tries")
    }

    @Test func jitterSpreadsByTwentyPercentAndRetryAfterIsAFloor() {
        #expect(schedule.delay(afterTries: 1, retryAfter: nil, random: 0.8) == 48)
        #expect(schedule.delay(afterTries: 1, retryAfter: nil, random: 1.2) == 72)
        let spread = (0..<200).map { _ in schedule.delay(afterTries: 3, retryAfter: nil) }
        #expect(spread.allSatisfy { (192...288).contains($0) } && Set(spread).count > 100, "random within ±20 %")
        #expect(schedule.delay(afterTries: 1, retryAfter: 600, random: 1) == 600)
        #expect(schedule.delay(afterTries: 1, retryAfter: 10, random: 1) == 60, "a shorter Retry-After does not hurry it")
        #expect(schedule.delay(afterTries: 1, retryAfter: .max, random: 1) == 86_400, "a provider cannot park a task for ever")
    }

    @Test func theTaskIdAndActionAreOnePathSegmentEach() {
        var settings = PollSettings()
        settings.urlTemplate = "https://api.example/v1/videos/{action}/{task_id}?x=1"
        let hostile = PollJob(task: kling("../a/b?c#d e"), action: nil, url: nil, tries: 0, firstSeenAt: Date(), owner: "o")
        #expect(settings.url(for: hostile) == "https://api.example/v1/videos/text2video/%2E%2E%2Fa%2Fb%3Fc%23d%20e?x=1")
        let own = PollJob(task: kling("t1"), action: "image2video", url: "https://gw.example/q/{task_id}/{action}", tries: 0, firstSeenAt: Date(), owner: "o")
        #expect(settings.url(for: own) == "https://gw.example/q/t1/image2video", "a registration's own URL wins")
        settings.urlTemplate = nil
        #expect(settings.url(for: hostile) == nil)
    }

    @Test func keysGoOnlyToThePollURLsOrigin() {
        var settings = PollSettings()
        settings.urlTemplate = "https://API.example/v1/videos/{action}/{task_id}"
        #expect(settings.credentialsGo(to: "https://api.example:443/other/path?q=1"))
        for elsewhere in ["http://api.example/v1/videos/a/t", "https://api.example:8443/v1", "https://api.example.evil/v1", "https://evil/api.example"] {
            #expect(!settings.credentialsGo(to: elsewhere), "\(elsewhere)")
        }
        settings.urlTemplate = nil
        #expect(!settings.credentialsGo(to: "https://api.example/v1"))
    }

    @Test func actionsAreLettersDigitsDashesAndUnderscores() {
        #expect(PollSettings.isAction("text2video") && PollSettings.isAction("multi-image2video_v2"))
        for bad in ["", "../x", "a/b", "a b", "é", String(repeating: "a", count: 65)] {
            #expect(!PollSettings.isAction(bad), "\(bad)")
        }
    }
}
