import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// Polls in every store (memory, SQLite, PostgreSQL), one test body each: registering ahead,
/// waiting tasks joining the polls, the lease, the schedule, and giving up.
@Suite struct PollStoreTests {
    let start = Date(timeIntervalSince1970: 1_763_702_532)

    private func callback(_ status: TaskStatus, task: String, updated: Int, at: Date) -> ReceivedCallback {
        var event = CallbackEvent(taskID: task, shape: .legacy, status: status, statusSpelling: status.rawValue,
                                  updatedAt: Date(timeIntervalSince1970: Double(updated)))
        if status == .succeeded { event.videos = [ReportedVideo(id: "v", url: URL(string: "https://cdn.example.com/\(task).mp4")!)] }
        return ReceivedCallback(event: event, body: Data("{}".utf8), receivedAt: at)
    }

    @Test(arguments: StoreKind.allCases)
    func aRegisteredTaskIsPolledAtOnceAndRegisteringAgainChangesNothing(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let registration = Registration(task: kling("r1"), action: "image2video", url: "https://gw.example/q/r1", tags: ["project": "summer"])
        let first = try await store.register(registration, now: start)
        #expect(first.created && first.task.state == .waiting && first.task.status == .submitted && first.task.tags == ["project": "summer"])
        let again = try await store.register(Registration(task: kling("r1"), tags: ["other": "x"]), now: start + 5)
        #expect(!again.created && again.task == first.task, "the same task, unchanged")

        let poll = try #require(try await store.claimPoll(owner: "p1", lease: .seconds(30), now: start + 1, waitingSince: start - 600))
        #expect(poll.task.id == "r1" && poll.action == "image2video" && poll.url == "https://gw.example/q/r1" && poll.tries == 0)
        #expect(poll.firstSeenAt == start)
        #expect(try await store.claimPoll(owner: "p2", lease: .seconds(30), now: start + 2, waitingSince: start - 600) == nil, "leased to p1")
        #expect(try await store.finishPoll(poll, nextAt: start + 60, note: "the provider says: still processing", now: start + 2))
        #expect(try await store.finishPoll(poll, nextAt: start + 60, note: nil, now: start + 2) == false, "the lease is gone once finished")
        #expect(try await store.task(kling("r1"))?.lastError == "the provider says: still processing")
        #expect(try await store.claimPoll(owner: "p2", lease: .seconds(30), now: start + 59, waitingSince: start - 600) == nil, "not due yet")
        let next = try #require(try await store.claimPoll(owner: "p2", lease: .seconds(30), now: start + 60, waitingSince: start - 600))
        #expect(next.tries == 1 && next.owner == "p2")
        #expect(try await store.finishPoll(poll, nextAt: start + 90, note: nil, now: start + 61) == false, "p1's lease was not renewed")
    }

    @Test(arguments: StoreKind.allCases)
    func aTaskWaitingTooLongJoinsThePollsAndOneThatEndedLeavesThem(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        _ = try await store.record(callback(.submitted, task: "w1", updated: 1, at: start))
        _ = try await store.record(callback(.submitted, task: "w2", updated: 1, at: start))
        #expect(try await store.claimPoll(owner: "p", lease: .seconds(30), now: start + 100, waitingSince: start - 1) == nil,
                "waiting, but not long enough")
        let poll = try #require(try await store.claimPoll(owner: "p", lease: .seconds(30), now: start + 700, waitingSince: start + 100))
        #expect(["w1", "w2"].contains(poll.task.id) && poll.action == nil && poll.url == nil)
        // Both tasks end: their polls go.
        _ = try await store.record(callback(.succeeded, task: "w1", updated: 2, at: start + 701))
        _ = try await store.record(callback(.failed, task: "w2", updated: 2, at: start + 701))
        #expect(try await store.claimPoll(owner: "p", lease: .seconds(30), now: start + 800, waitingSince: start + 800) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func givingUpFailsAWaitingTaskWithTheReasonAndItsEvent(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        _ = try await store.register(Registration(task: kling("never")), now: start)
        let poll = try #require(try await store.claimPoll(owner: "p", lease: .seconds(30), now: start, waitingSince: start))
        let event = OutboxEvent(id: "evt_never", type: "task.failed", task: kling("never"), createdAt: start + 10, body: Data("{}".utf8), endpoints: [])
        let stranger = PollJob(task: kling("never"), action: nil, url: nil, tries: 0, firstSeenAt: start, owner: "someone else")
        #expect(try await store.giveUpPoll(stranger, reason: "x", now: start + 10, event: event) == false, "only the lease holder gives up")
        #expect(try await store.giveUpPoll(poll, reason: "the provider never reported an end", now: start + 10, event: event))
        let task = try #require(try await store.task(kling("never")))
        #expect(task.state == .failed && task.lastError == "the provider never reported an end")
        #expect(try await store.events(task: kling("never")).map(\.event.id) == ["evt_never"])
        #expect(try await store.claimPoll(owner: "p", lease: .seconds(30), now: start + 20, waitingSince: start + 20) == nil, "polled no more")
    }

    /// Many pollers on one store take each due poll once.
    @Test(arguments: StoreKind.allCases)
    func concurrentPollersTakeEachPollOnce(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        for n in 0..<30 { _ = try await store.register(Registration(task: kling("c\(n)")), now: start) }
        let taken = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var mine: [String] = []
                    while let poll = try await store.claimPoll(owner: "w\(worker)", lease: .seconds(60), now: start + 1, waitingSince: start) {
                        mine.append(poll.task.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(taken.count == 30 && Set(taken).count == 30, "\(taken.sorted())")
    }
}
