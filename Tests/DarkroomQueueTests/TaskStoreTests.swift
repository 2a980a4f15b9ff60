import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// The callback rules and the job lifecycle, on a real SQLite file, a real PostgreSQL database
/// and the in-memory twin: one test body for all three.
@Suite struct TaskStoreTests {
    let start = Date(timeIntervalSince1970: 1_763_702_532)

    private func makeStore(_ kind: StoreKind) async throws -> any TaskStore {
        try await kind.makeStore()
    }

    private func callback(_ status: TaskStatus, updated: Int, url: String = "https://cdn.example.com/a.mp4", task: String = "t1",
                          message: String = "") -> ReceivedCallback {
        var event = CallbackEvent(taskID: task, shape: .legacy, status: status, statusSpelling: status.rawValue, message: message,
                                  updatedAt: Date(timeIntervalSince1970: Double(updated)))
        if status == .succeeded { event.videos = [ReportedVideo(id: "v", url: URL(string: url)!)] }
        return ReceivedCallback(event: event, body: Data("{\"n\":\(updated)}".utf8), headers: ["webhook-id": "m\(updated)"],
                                tags: ["project": "summer"], receivedAt: start)
    }

    @Test(arguments: StoreKind.allCases)
    func callbacksMoveTheTaskThroughItsStates(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        #expect(try await store.record(callback(.processing, updated: 1)).task.state == .waiting)
        let succeeded = try await store.record(callback(.succeeded, updated: 2))
        #expect(succeeded.outcome == .applied)
        #expect(succeeded.task.state == .queued)
        #expect(succeeded.task.tags == ["project": "summer"])
        let stored = try #require(try await store.task(kling("t1")))
        #expect(stored == succeeded.task, "what is read back is what was written")
    }

    @Test(arguments: StoreKind.allCases)
    func anOlderCallbackChangesNothingButIsKept(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 10))
        let late = try await store.record(callback(.processing, updated: 5))
        #expect(late.outcome == .stale)
        #expect(late.task.state == .queued)
        let history = try await store.history(kling("t1"), after: nil, limit: 100).callbacks
        #expect(history.map(\.outcome) == [.applied, .stale])
        #expect(history.last?.body == Data("{\"n\":5}".utf8))
        #expect(history.last?.headers == ["webhook-id": "m5"])
    }

    /// A task with thousands of callbacks is read a bounded page at a time, in order, with
    /// nothing skipped or repeated between pages and no other task's callbacks among them.
    @Test(arguments: StoreKind.allCases)
    func aLongHistoryIsReadAPageAtATime(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        // A hundred at a time, so SQLite commits them in groups: one at a time, 2,500 syncs of
        // the file slowed every other test's database for half a minute.
        for chunk in stride(from: 1, through: 2_500, by: 100) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for updated in chunk..<chunk + 100 {
                    group.addTask { _ = try await store.record(callback(.processing, updated: updated)) }
                }
                group.addTask { _ = try await store.record(callback(.processing, updated: chunk, task: "other")) }
                try await group.waitForAll()
            }
        }
        let first = try await store.history(kling("t1"), after: nil, limit: 100)
        #expect(first.callbacks.count == 100)
        #expect(first.nextCursor == first.callbacks.last?.id)
        #expect(try await store.history(kling("t1"), after: nil, limit: 1_000_000).callbacks.count == HistoryPage.maxLimit, "a page never holds more")
        var read: [StoredCallback] = []
        var cursor: Int64?
        var pages = 0
        repeat {
            let page = try await store.history(kling("t1"), after: cursor, limit: 700)
            read += page.callbacks
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(pages == 4)
        #expect(read.map(\.id) == read.map(\.id).sorted() && Set(read.map(\.id)).count == 2_500, "oldest first, none twice")
        #expect(Set(read.map(\.body)) == Set((1...2_500).map { Data("{\"n\":\($0)}".utf8) }), "every one, and only this task's")
    }

    @Test(arguments: StoreKind.allCases)
    func aRepeatedSuccessMakesNoSecondJobButNewResultsDo(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 10))
        let job = try #require(try await store.claim(owner: "w1", lease: .seconds(30), now: start))
        #expect(try await store.complete(job, folder: "2025/11/21/t1", verdict: .ok, note: nil, now: start))
        let repeated = try await store.record(callback(.succeeded, updated: 10))
        #expect(repeated.outcome == .repeated)
        #expect(repeated.task.state == .archived)
        let other = try await store.record(callback(.succeeded, updated: 11, url: "https://cdn.example.com/b.mp4"))
        #expect(other.outcome == .applied)
        #expect(other.task.state == .queued, "different results re-archive the task")
        #expect(other.task.callbackID != job.callbackID)
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedTaskKeepsTheGeneratorsMessageAndALateFailureUndoesNothing(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let failed = try await store.record(callback(.failed, updated: 3, task: "t2", message: "content policy"))
        #expect(failed.task.state == .failed)
        #expect(failed.task.lastError == "content policy")
        _ = try await store.record(callback(.succeeded, updated: 4))
        let late = try await store.record(callback(.failed, updated: 5, message: "billing"))
        #expect(late.task.state == .queued)
        #expect(late.task.status == .failed)
    }

    @Test(arguments: StoreKind.allCases)
    func oneWorkerHoldsAJobUntilItsLeaseRunsOut(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 1))
        let job = try #require(try await store.claim(owner: "w1", lease: .seconds(30), now: start))
        #expect(job.attempt == 1)
        #expect(try await store.claim(owner: "w2", lease: .seconds(30), now: start) == nil)
        #expect(try await store.task(kling("t1"))?.state == .downloading)
        #expect(try await store.startProcessing(job, lease: .seconds(30), now: start))
        #expect(try await store.renew(job, lease: .seconds(30), now: start + 20))
        #expect(try await store.reclaimExpired(now: start + 40, maxAttempts: 5) == 0, "renewed until start + 50")
        #expect(try await store.reclaimExpired(now: start + 51, maxAttempts: 5) == 1)
        #expect(try await store.task(kling("t1"))?.state == .queued)
        // The first worker's lease is gone: nothing it reports counts.
        #expect(try await store.complete(job, folder: "x", verdict: .ok, note: nil, now: start + 52) == false)
        let again = try #require(try await store.claim(owner: "w2", lease: .seconds(30), now: start + 52))
        #expect(again.attempt == 2)
        #expect(try await store.complete(again, folder: "2025/11/21/t1", verdict: .warning, note: nil, now: start + 53))
        let task = try #require(try await store.task(kling("t1")))
        #expect(task.state == .archived && task.folder == "2025/11/21/t1" && task.verdict == .warning && task.leaseOwner == nil)
    }

    /// Gateways re-sign result URLs on every callback: the same paths with a new query are the
    /// same results, unless the archived task has problems that a new download might mend.
    @Test(arguments: StoreKind.allCases)
    func reSignedURLsAreARepeatOfAnArchivedTaskWithoutProblems(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 1, url: "https://cdn.example.com/a.mp4?sig=1"))
        let job = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start))
        #expect(try await store.complete(job, folder: "2025/11/21/t1", verdict: .ok, note: nil, now: start))
        let resigned = try await store.record(callback(.succeeded, updated: 2, url: "https://cdn.example.com/a.mp4?sig=2"))
        #expect(resigned.outcome == .repeated)
        #expect(resigned.task.state == .archived)
        let moved = try await store.record(callback(.succeeded, updated: 3, url: "https://cdn.example.com/b.mp4?sig=2"))
        #expect(moved.outcome == .applied, "another path is another result")
        #expect(moved.task.state == .queued)

        let second = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start))
        #expect(try await store.complete(second, folder: "2025/11/21/t1", verdict: .warning, note: nil, now: start))
        let mend = try await store.record(callback(.succeeded, updated: 4, url: "https://cdn.example.com/b.mp4?sig=3"))
        #expect(mend.outcome == .applied, "archived with problems: a fresh URL is worth a re-archive")
    }

    @Test(arguments: StoreKind.allCases)
    func aJobWhoseWorkerDiesEveryTimeFailsAfterItsAttempts(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 1))
        var now = start
        for attempt in 1...3 {
            // The worker dies holding the job: nothing is reported, the lease runs out.
            let job = try #require(try await store.claim(owner: "w\(attempt)", lease: .seconds(30), now: now), "attempt \(attempt)")
            #expect(job.attempt == attempt)
            now += 31
            #expect(try await store.reclaimExpired(now: now, maxAttempts: 3) == 1)
        }
        let task = try #require(try await store.task(kling("t1")))
        #expect(task.state == .failed)
        #expect(task.lastError?.hasPrefix("the worker died or stalled during each of 3 attempt(s)") == true, "\(task.lastError ?? "")")
        #expect(try await store.claim(owner: "w4", lease: .seconds(30), now: now + 3600) == nil, "no fourth attempt, no loop")
        #expect(try await store.retry(kling("t1"), now: now)?.retried == true, "a person can still retry it")
    }

    @Test(arguments: StoreKind.allCases)
    func failedAttemptsWaitThenFailForGoodAndCanBeRetriedByHand(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 1))
        let first = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start))
        #expect(try await store.fail(first, error: "disk full", retryAt: start + 60, now: start))
        #expect(try await store.claim(owner: "w", lease: .seconds(30), now: start + 59) == nil, "not before its time")
        let second = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start + 60))
        #expect(try await store.fail(second, error: "disk still full", retryAt: nil, now: start + 61))
        var task = try #require(try await store.task(kling("t1")))
        #expect(task.state == .failed && task.lastError == "disk still full" && task.attempts == 2)
        let retried = try #require(try await store.retry(kling("t1"), now: start + 100))
        #expect(retried.retried)
        task = retried.task
        #expect(task.state == .queued && task.attempts == 0 && task.lastError == nil)
        #expect(try await store.retry(kling("t1"), now: start + 101)?.retried == false, "a queued task is not retried")
        #expect(try await store.retry(kling("unknown"), now: start) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aReleasedJobIsQueuedAgainWithoutCountingTheAttempt(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.record(callback(.succeeded, updated: 1))
        let job = try #require(try await store.claim(owner: "w", lease: .seconds(30), now: start))
        #expect(try await store.release(job, retryAt: start + 1, note: nil, now: start + 1))
        let task = try #require(try await store.task(kling("t1")))
        #expect(task.state == .queued && task.attempts == 0)
        #expect(try await store.countByState() == [.queued: 1])
    }

    /// Everything committed is there for the next process that opens the file.
    @Test func aSecondSQLiteStoreOnTheSameFileSeesEverything() async throws {
        let path = try makeTemporaryFolder("store").appendingPathComponent("darkroom.sqlite").path
        let store = try SQLiteTaskStore(path: path)
        _ = try await store.record(callback(.succeeded, updated: 1))
        _ = try await store.record(callback(.processing, updated: 1, task: "t2"))
        let reopened = try SQLiteTaskStore(path: path)
        #expect(try await reopened.tasks(TaskQuery(limit: 10)).tasks.map(\.id).sorted() == ["t1", "t2"])
        #expect(try await reopened.history(kling("t1"), after: nil, limit: 100).callbacks.count == 1)
    }

    /// Filters, and pages that stay the same while new tasks arrive.
    @Test(arguments: StoreKind.allCases)
    func tasksAreListedNewestFirstByCursor(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        for n in 0..<7 {
            var received = callback(n % 2 == 0 ? .succeeded : .processing, updated: n, task: "p\(n)")
            received.receivedAt = start + Double(n)
            received.tags = n < 3 ? ["project": "summer"] : ["project": "winter"]
            received.event.createdAt = start + Double(n * 60)
            _ = try await store.record(received)
        }
        let first = try await store.tasks(TaskQuery(limit: 3))
        #expect(first.tasks.map(\.id) == ["p6", "p5", "p4"])
        let cursor = try #require(first.nextCursor)
        #expect(TaskCursor(text: cursor.text) == cursor)
        var late = callback(.processing, updated: 99, task: "p7")
        late.receivedAt = start + 100
        late.tags = ["project": "autumn"]
        _ = try await store.record(late)
        let second = try await store.tasks(TaskQuery(limit: 3, cursor: cursor))
        #expect(second.tasks.map(\.id) == ["p3", "p2", "p1"], "a task that arrived meanwhile does not shift the pages")
        let last = try await store.tasks(TaskQuery(limit: 3, cursor: second.nextCursor))
        #expect(last.tasks.map(\.id) == ["p0"])
        #expect(last.nextCursor == nil)

        #expect(try await store.tasks(TaskQuery(state: .queued)).tasks.map(\.id) == ["p6", "p4", "p2", "p0"])
        #expect(try await store.tasks(TaskQuery(tag: ("project", "summer"))).tasks.map(\.id) == ["p2", "p1", "p0"])
        let window = TaskQuery(createdAfter: start + 60, createdBefore: start + 240)
        #expect(try await store.tasks(window).tasks.map(\.id) == ["p3", "p2"])
        #expect(try await store.tasks(TaskQuery(verdict: .ok)).tasks.isEmpty)
    }

    /// A task rebuilt from its index (a bucket's, by `darkroom reindex`) lists as it did: archived
    /// in its folder with its verdict and tags, its callback kept; a repeat of that callback
    /// makes no job, and a task the store knows is left as it is.
    @Test(arguments: StoreKind.allCases)
    func aTaskRestoredFromItsIndexIsArchivedAndARepeatMakesNoJob(kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let succeeded = callback(.succeeded, updated: 20)
        let file = StoredFile(path: "callback.json", bytes: succeeded.body.count, sha256: String(repeating: "0", count: 64))
        let index = TaskIndex(
            task: TaskInfo(event: succeeded.event, tags: ["project": "summer"]), folder: "2025/11/21/t1",
            receivedAt: start, archivedAt: start.addingTimeInterval(30),
            history: [HistoryEntry(status: .succeeded, updatedAt: succeeded.event.updatedAt, receivedAt: start)],
            callback: file, videos: [], images: [])
        #expect(try await store.restore(index, callback: succeeded))
        let task = try #require(try await store.task(kling("t1")))
        #expect(task.state == .archived)
        #expect(task.folder == "2025/11/21/t1")
        #expect(task.verdict == .ok)
        #expect(task.tags == ["project": "summer"])
        #expect(try await store.tasks(TaskQuery()).tasks.map(\.id) == ["t1"])
        #expect(try await store.history(kling("t1"), after: nil, limit: 10).callbacks.map(\.body) == [succeeded.body])

        let repeated = try await store.record(callback(.succeeded, updated: 20))
        #expect(repeated.task.state == .archived, "the same results again make no second job")
        #expect(try await store.restore(index, callback: succeeded) == false)
    }
}
