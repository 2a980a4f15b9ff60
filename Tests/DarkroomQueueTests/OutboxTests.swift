import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Synchronization
import Testing

/// The outbox on every store: an event is written with the state change it reports and never
/// without it, and its deliveries are claimed, retried and recorded by the rules the senders
/// rely on.
@Suite struct OutboxTests {
    let start = Date(timeIntervalSince1970: 1_763_702_532)

    /// A task with a job leased to `owner`.
    private func leasedJob(_ store: any TaskStore, task: String = "t1", owner: String = "w1") async throws -> Job {
        var event = CallbackEvent(taskID: task, shape: .legacy, status: .succeeded, statusSpelling: "succeed", updatedAt: start)
        event.videos = [ReportedVideo(id: "v", url: URL(string: "https://cdn.example.com/a.mp4")!)]
        _ = try await store.record(ReceivedCallback(event: event, body: Data("{}".utf8), headers: [:], tags: [:], receivedAt: start))
        return try #require(try await store.claim(owner: owner, lease: .seconds(30), now: start))
    }

    private func event(_ id: String, task: String = "t1", endpoints: [String] = ["http://a.example/hook", "http://b.example/hook"]) -> OutboxEvent {
        OutboxEvent(id: id, type: "task.archived", task: kling(task), createdAt: start, body: Data(#"{"type":"task.archived","n":"\#(id)"}"#.utf8),
                    endpoints: endpoints)
    }

    @Test(arguments: StoreKind.allCases)
    func anEventIsWrittenWithItsStateChangeAndNeverWithoutIt(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = try await leasedJob(store)
        let stale = Job(task: job.task, callbackID: job.callbackID, owner: "someone-else", attempt: 1)
        #expect(try await store.complete(stale, folder: "f", verdict: .ok, note: nil, now: start, event: event("evt_lost")) == false)
        #expect(try await store.events(task: kling("t1")) == [], "a change that did not apply writes no event")

        #expect(try await store.complete(job, folder: "f", verdict: .ok, note: nil, now: start, event: event("evt_1")))
        let records = try await store.events(task: kling("t1"))
        #expect(records.map(\.event) == [event("evt_1")], "the body, the type and the endpoints as written")
        #expect(records.first?.deliveries.map(\.state) == [.pending, .pending])
        #expect(records.first?.deliveries.map(\.endpoint) == ["http://a.example/hook", "http://b.example/hook"])
    }

    /// A job whose workers died in every attempt is failed by the store as it takes the lease
    /// back, and its event written then; a job merely queued again gets none.
    @Test(arguments: StoreKind.allCases)
    func aJobFailedForGoodAtReclaimWritesItsEvent(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        _ = try await leasedJob(store, task: "dies")
        let asked = Mutex<[String]>([])
        let maker: @Sendable (TaskKey, String) -> OutboxEvent? = { task, reason in
            asked.withLock { $0.append(reason) }
            return self.event("evt_\(task.id)", task: task.id, endpoints: ["http://a.example/hook"])
        }
        #expect(try await store.reclaimExpired(now: start + 31, maxAttempts: 2, failureEvent: maker) == 1)
        #expect(try await store.task(kling("dies"))?.state == .queued)
        #expect(try await store.events(task: kling("dies")) == [], "queued again: no event")

        _ = try #require(try await store.claim(owner: "w2", lease: .seconds(30), now: start + 31))
        #expect(try await store.reclaimExpired(now: start + 62, maxAttempts: 2, failureEvent: maker) == 1)
        let task = try #require(try await store.task(kling("dies")))
        #expect(task.state == .failed)
        #expect(asked.withLock { $0 } == [task.lastError ?? "?"], "the event is made with the reason the task keeps")
        #expect(try await store.events(task: kling("dies")).map(\.event.id) == ["evt_dies"])
    }

    /// A callback saying the generator failed the task carries its `task.failed`: written when
    /// it makes the task failed, not for a repeat, not for a stale one.
    @Test(arguments: StoreKind.allCases)
    func aFailureCallbackWritesItsEventOnlyWhenItFailsTheTask(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        func failure(_ updated: Double, _ id: String) -> ReceivedCallback {
            let event = CallbackEvent(taskID: "t1", shape: .legacy, status: .failed, statusSpelling: "failed", message: "policy",
                                      updatedAt: start + updated)
            return ReceivedCallback(event: event, body: Data("{\"n\":\(updated)}".utf8), receivedAt: start + updated,
                                    failureEvent: self.event(id, endpoints: ["http://a.example/hook"]))
        }
        #expect(try await store.record(failure(10, "evt_first")).outcome == .applied)
        #expect(try await store.record(failure(10, "evt_repeat")).task.state == .failed, "a repeat, applied to a task already failed")
        #expect(try await store.record(failure(5, "evt_stale")).outcome == .stale)
        #expect(try await store.events(task: kling("t1")).map(\.event.id) == ["evt_first"])
        #expect(try await store.claimDelivery(owner: "s", lease: .seconds(30), now: start)?.event.id == "evt_first")
    }

    @Test(arguments: StoreKind.allCases)
    func aDeliveryIsClaimedOnceRetriedAndRecorded(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = try await leasedJob(store)
        #expect(try await store.fail(job, error: "gone", retryAt: nil, now: start, event: event("evt_f", endpoints: ["http://a.example/hook"])))

        let first = try #require(try await store.claimDelivery(owner: "s1", lease: .seconds(30), now: start))
        #expect(first.event == event("evt_f", endpoints: ["http://a.example/hook"]) && first.attempts == 0)
        #expect(try await store.claimDelivery(owner: "s2", lease: .seconds(30), now: start) == nil, "a leased delivery is not taken twice")

        let retryAt = start + 10
        #expect(try await store.finishDelivery(first, attempt: DeliveryAttempt(at: start, status: 500, error: nil), result: .retry(at: retryAt)))
        #expect(try await store.finishDelivery(first, attempt: DeliveryAttempt(at: start, status: 500, error: nil), result: .delivered) == false,
                "the lease went with the first record")
        #expect(try await store.claimDelivery(owner: "s2", lease: .seconds(30), now: start + 5) == nil, "not due before its retry")

        let second = try #require(try await store.claimDelivery(owner: "s2", lease: .seconds(30), now: retryAt))
        #expect(second.attempts == 1)
        #expect(try await store.finishDelivery(second, attempt: DeliveryAttempt(at: retryAt, status: nil, error: "connection refused"), result: .retry(at: retryAt + 20)))
        // The sender that took the third attempt dies: after its lease another takes it again.
        let third = try #require(try await store.claimDelivery(owner: "s3", lease: .seconds(30), now: retryAt + 20))
        #expect(try await store.claimDelivery(owner: "s4", lease: .seconds(30), now: retryAt + 40) == nil)
        let taken = try #require(try await store.claimDelivery(owner: "s4", lease: .seconds(30), now: retryAt + 51))
        #expect(taken.event.id == third.event.id && taken.attempts == 2)
        #expect(try await store.finishDelivery(taken, attempt: DeliveryAttempt(at: retryAt + 51, status: 200, error: nil), result: .delivered))
        #expect(try await store.claimDelivery(owner: "s5", lease: .seconds(30), now: retryAt + 3600) == nil, "a delivered event is done")

        let delivery = try #require(try await store.events(task: kling("t1")).first?.deliveries.first)
        #expect(delivery.state == .delivered)
        #expect(delivery.attempts == [
            DeliveryAttempt(at: start, status: 500, error: nil),
            DeliveryAttempt(at: retryAt, status: nil, error: "connection refused"),
            DeliveryAttempt(at: retryAt + 51, status: 200, error: nil),
        ])
    }

    @Test(arguments: StoreKind.allCases)
    func aGoneOrFailedDeliveryIsNotTakenAgain(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = try await leasedJob(store)
        #expect(try await store.complete(job, folder: "f", verdict: .ok, note: nil, now: start, event: event("evt_g")))
        let first = try #require(try await store.claimDelivery(owner: "s1", lease: .seconds(30), now: start))
        let second = try #require(try await store.claimDelivery(owner: "s2", lease: .seconds(30), now: start))
        #expect(Set([first.endpoint, second.endpoint]) == ["http://a.example/hook", "http://b.example/hook"])
        #expect(try await store.finishDelivery(first, attempt: DeliveryAttempt(at: start, status: 410, error: nil), result: .gone))
        #expect(try await store.finishDelivery(second, attempt: DeliveryAttempt(at: start, status: 400, error: nil), result: .failed))
        #expect(try await store.claimDelivery(owner: "s3", lease: .seconds(30), now: start + 86_400) == nil)
        let states = try await store.events(task: kling("t1")).first?.deliveries.map { "\($0.endpoint) \($0.state)" }.sorted()
        #expect(states == ["http://a.example/hook \(first.endpoint.contains("a.") ? "gone" : "failed")",
                           "http://b.example/hook \(first.endpoint.contains("a.") ? "failed" : "gone")"])
    }

    /// The outbox a page at a time, the undelivered alone, a redelivery, and the backlog.
    @Test(arguments: StoreKind.allCases)
    func theOutboxIsPagedRedeliveredAndMeasured(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        #expect(try await store.outboxBacklog() == OutboxBacklog(pending: 0, oldest: nil))
        for n in 1...5 {
            let job = try await leasedJob(store, task: "t\(n)")
            var written = event("evt_\(n)", task: "t\(n)", endpoints: ["http://a.example/hook"])
            written.createdAt = start + Double(n)
            #expect(try await store.complete(job, folder: "f\(n)", verdict: .ok, note: nil, now: start, event: written))
        }
        #expect(try await store.outboxBacklog() == OutboxBacklog(pending: 5, oldest: start + 1))

        let first = try await store.events(after: nil, limit: 2, undeliveredOnly: false)
        #expect(first.events.map(\.event.id) == ["evt_1", "evt_2"])
        let second = try await store.events(after: first.nextCursor, limit: 2, undeliveredOnly: false)
        #expect(second.events.map(\.event.id) == ["evt_3", "evt_4"])
        let last = try await store.events(after: second.nextCursor, limit: 2, undeliveredOnly: false)
        #expect(last.events.map(\.event.id) == ["evt_5"] && last.nextCursor == nil)

        // evt_1 is delivered, evt_2 given up, evt_3 gone; the rest still pending.
        for result in [DeliveryResult.delivered, .failed, .gone] {
            let claimed = try #require(try await store.claimDelivery(owner: "s", lease: .seconds(30), now: start + 60))
            #expect(try await store.finishDelivery(claimed, attempt: DeliveryAttempt(at: start + 60, status: 500, error: nil), result: result))
        }
        #expect(try await store.events(after: nil, limit: 10, undeliveredOnly: true).events.map(\.event.id) == ["evt_2", "evt_3"])
        #expect(try await store.outboxBacklog() == OutboxBacklog(pending: 2, oldest: start + 4))

        let again = try #require(try await store.redeliver("evt_2", now: start + 120))
        #expect(again.deliveries.map(\.state) == [.pending] && again.deliveries.first?.attempts.count == 1, "the attempt stays recorded")
        var due: [String: Int] = [:]
        while let claimed = try await store.claimDelivery(owner: "s", lease: .seconds(30), now: start + 120) { due[claimed.event.id] = claimed.attempts }
        #expect(due == ["evt_2": 0, "evt_4": 0, "evt_5": 0], "due at once, its tries counted afresh")
        #expect(try await store.redeliver("evt_none", now: start) == nil)
    }
}
