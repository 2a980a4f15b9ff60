import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// A task is named by its provider and its id: two providers' tasks with one id are two tasks
/// in every store, in every part of it (tasks, history, jobs, polls, outbox, the list and its
/// cursor). One test body for all three stores.
@Suite struct ProviderKeyTests {
    let start = Date(timeIntervalSince1970: 1_763_702_532)

    private func callback(_ provider: String, _ status: TaskStatus, id: String = "t1", updated: Int = 1) -> ReceivedCallback {
        var event = CallbackEvent(provider: provider, taskID: id, shape: .new, status: status, statusSpelling: status.rawValue,
                                  updatedAt: Date(timeIntervalSince1970: Double(updated)))
        if status == .succeeded { event.videos = [ReportedVideo(id: "v", url: URL(string: "https://cdn.example.com/\(provider).mp4")!)] }
        return ReceivedCallback(event: event, body: Data(#"{"from":"\#(provider)"}"#.utf8), receivedAt: start)
    }

    @Test(arguments: StoreKind.allCases)
    func oneIdOfTwoProvidersIsTwoTasks(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let gateway = TaskKey(provider: "gateway", id: "t1")
        #expect(try await store.record(callback("kling", .succeeded)).task.state == .queued)
        let other = try await store.record(callback("gateway", .processing))
        #expect(other.outcome == .applied, "not a repeat, nor stale: another task")
        #expect(other.task.key == gateway && other.task.state == .waiting)

        #expect(try await store.task(kling("t1"))?.state == .queued)
        #expect(try await store.task(gateway)?.state == .waiting)
        #expect(try await store.task(TaskKey(provider: "nobody", id: "t1")) == nil)
        let kept = try await store.history(gateway, after: nil, limit: 10).callbacks
        #expect(kept.map(\.body) == [Data(#"{"from":"gateway"}"#.utf8)] && kept.map(\.task) == [gateway])
        #expect(try await store.history(kling("t1"), after: nil, limit: 10).callbacks.map(\.provider) == ["kling"])

        let job = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start))
        #expect(job.task == kling("t1"))
        #expect(try await store.claim(owner: "w", lease: .seconds(30), now: start) == nil, "the gateway's task has no job")
        #expect(try await store.complete(job, folder: "2025/11/21/t1", verdict: .ok, note: nil, now: start))
        #expect(try await store.task(gateway)?.state == .waiting, "archiving Kling's task leaves the gateway's alone")

        let listed = try await store.tasks(TaskQuery(provider: "gateway")).tasks.map(\.key)
        #expect(listed == [gateway])
        #expect(Set(try await store.tasks(TaskQuery()).tasks.map(\.key)) == [kling("t1"), gateway])
    }

    /// Two tasks first seen in the same millisecond, with one id: the cursor tells them apart,
    /// so paging one at a time shows each once.
    @Test(arguments: StoreKind.allCases)
    func theListsCursorTellsProvidersApart(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        for provider in ["a", "b", "kling"] { _ = try await store.record(callback(provider, .processing)) }
        var seen: [TaskKey] = []
        var cursor: TaskCursor?
        repeat {
            let page = try await store.tasks(TaskQuery(limit: 1, cursor: cursor))
            seen += page.tasks.map(\.key)
            cursor = try page.nextCursor.map { try #require(TaskCursor(text: $0.text), "the cursor's text reads back") }
        } while cursor != nil && seen.count < 10
        #expect(seen == ["kling", "b", "a"].map { TaskKey(provider: $0, id: "t1") }, "newest first, then by provider, each once")
    }

    @Test(arguments: StoreKind.allCases)
    func registrationsPollsAndEventsAreKeyedByProvider(kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let gateway = TaskKey(provider: "gateway", id: "t2")
        #expect(try await store.register(Registration(task: kling("t2")), now: start).created)
        #expect(try await store.register(Registration(task: gateway, action: "image2video"), now: start).created, "another task, not a repeat")
        #expect(try await store.register(Registration(task: gateway), now: start).created == false)

        var polled: [TaskKey: PollJob] = [:]
        while let poll = try await store.claimPoll(owner: "p", lease: .seconds(30), now: start, waitingSince: start - 600) {
            polled[poll.task] = poll
        }
        #expect(Set(polled.keys) == [kling("t2"), gateway])
        #expect(polled[gateway]?.action == "image2video" && polled[kling("t2")]?.action == nil)

        let poll = try #require(polled[gateway])
        let event = OutboxEvent(id: "evt_gateway", type: "task.failed", task: gateway, createdAt: start, body: Data("{}".utf8), endpoints: [])
        #expect(try await store.giveUpPoll(poll, reason: "never ended", now: start, event: event))
        #expect(try await store.task(gateway)?.state == .failed)
        #expect(try await store.task(kling("t2"))?.state == .waiting)
        #expect(try await store.events(task: gateway).map(\.event.id) == ["evt_gateway"])
        #expect(try await store.events(task: kling("t2")).isEmpty)
        #expect(try await store.events(after: nil, limit: 10, undeliveredOnly: false).events.map(\.event.task) == [gateway])
    }
}
