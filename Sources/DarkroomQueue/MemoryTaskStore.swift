import DarkroomCore
import Foundation
import Synchronization

/// The task store in memory: the same rules as `SQLiteTaskStore` (both apply `CallbackPolicy`
/// and the same lease conditions), nothing durable. For tests of what sits on a store, and the
/// reference the SQLite and PostgreSQL stores are checked against.
public final class MemoryTaskStore: TaskStore {
    private struct State {
        var tasks: [TaskKey: TaskRecord] = [:]
        var callbacks: [StoredCallback] = []
        var outbox = MemoryOutbox()
        var polls = MemoryPolls()
    }

    private let state = Mutex(State())

    public init() {}

    public func record(_ callback: ReceivedCallback) async throws(StoreError) -> (task: TaskRecord, outcome: CallbackPolicy.Outcome) {
        state.withLock { state in
            let event = callback.event
            let id = Int64(state.callbacks.count + 1)
            let (task, outcome) = CallbackPolicy.apply(event, tags: callback.tags, callbackID: id, to: state.tasks[event.key], now: callback.receivedAt)
            state.callbacks.append(StoredCallback(
                id: id, provider: event.provider, taskID: event.taskID, receivedAt: callback.receivedAt, status: event.status,
                statusSpelling: event.statusSpelling, updatedAt: event.updatedAt, outcome: outcome,
                headers: callback.headers, body: callback.body))
            if let written = callback.eventToWrite(outcome: outcome, before: state.tasks[event.key], after: task) { state.outbox.add(written) }
            if outcome == .applied { state.tasks[event.key] = task }
            return (task, outcome)
        }
    }

    public func restore(_ index: TaskIndex, callback: ReceivedCallback) async throws(StoreError) -> Bool {
        state.withLock { state in
            let event = callback.event
            guard state.tasks[event.key] == nil else { return false }
            let id = Int64(state.callbacks.count + 1)
            state.callbacks.append(StoredCallback(
                id: id, provider: event.provider, taskID: event.taskID, receivedAt: callback.receivedAt, status: event.status,
                statusSpelling: event.statusSpelling, updatedAt: event.updatedAt, outcome: .applied,
                headers: callback.headers, body: callback.body))
            state.tasks[event.key] = TaskRecord(restoring: index, event: event, callbackID: id)
            return true
        }
    }

    public func task(_ key: TaskKey) async throws(StoreError) -> TaskRecord? {
        state.withLock { $0.tasks[key] }
    }

    public func history(_ key: TaskKey, after: Int64?, limit: Int) async throws(StoreError) -> HistoryPage {
        let limit = min(max(limit, 1), HistoryPage.maxLimit)
        let fetched = state.withLock { state in
            Array(state.callbacks.lazy.filter { $0.task == key && $0.id > (after ?? 0) }.prefix(limit + 1))
        }
        return HistoryPage(fetched: fetched, limit: limit)
    }

    public func callback(_ id: Int64) async throws(StoreError) -> StoredCallback? {
        state.withLock { state in state.callbacks.indices.contains(Int(id) - 1) ? state.callbacks[Int(id) - 1] : nil }
    }

    public func tasks(_ query: TaskQuery) async throws(StoreError) -> TaskPage {
        state.withLock { state in
            let ordered = state.tasks.values.filter(query.matches).sorted {
                ($0.firstSeenAt, $0.key) > ($1.firstSeenAt, $1.key)
            }
            let after = ordered.filter { task in
                guard let cursor = query.cursor else { return true }
                let seen = task.firstSeenAt.millisecondsSince1970
                return seen < cursor.firstSeenAt || (seen == cursor.firstSeenAt && task.key < cursor.task)
            }
            return TaskPage(tasks: Array(after.prefix(query.limit)), limit: query.limit)
        }
    }

    public func claim(owner: String, lease: Duration, now: Date) async throws(StoreError) -> Job? {
        state.withLock { state in
            let due = state.tasks.values.filter { $0.state == .queued && ($0.nextAttemptAt ?? now) <= now }
            guard var task = due.min(by: { ($0.nextAttemptAt ?? now) < ($1.nextAttemptAt ?? now) }), let callbackID = task.callbackID else {
                return nil
            }
            task.state = .downloading
            task.leaseOwner = owner
            task.leaseExpiresAt = now + lease.timeInterval
            task.attempts += 1
            task.changedAt = now
            state.tasks[task.key] = task
            return Job(task: task.key, callbackID: callbackID, owner: owner, attempt: task.attempts)
        }
    }

    public func startProcessing(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        leased(job) { task in
            task.state = .processing
            task.leaseExpiresAt = now + lease.timeInterval
            task.changedAt = now
        }
    }

    public func renew(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        leased(job) { $0.leaseExpiresAt = now + lease.timeInterval }
    }

    public func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        leased(job, event: event) { task in
            task.state = .archived
            task.folder = folder
            task.verdict = verdict
            task.lastError = note
            task.nextAttemptAt = nil
            Self.dropLease(&task, now: now)
        }
    }

    public func fail(_ job: Job, error: String, retryAt: Date?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        leased(job, event: event) { task in
            task.state = retryAt == nil ? .failed : .queued
            task.lastError = error
            task.nextAttemptAt = retryAt
            Self.dropLease(&task, now: now)
        }
    }

    public func release(_ job: Job, retryAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        leased(job) { task in
            task.state = .queued
            task.attempts -= 1
            task.nextAttemptAt = retryAt
            if let note { task.lastError = note }
            Self.dropLease(&task, now: now)
        }
    }

    public func reclaimExpired(
        now: Date, maxAttempts: Int, failureEvent: @escaping @Sendable (_ task: TaskKey, _ reason: String) -> OutboxEvent?
    ) async throws(StoreError) -> Int {
        state.withLock { state in
            var reclaimed = 0
            for (key, var task) in state.tasks
            where [.downloading, .processing].contains(task.state) && (task.leaseExpiresAt ?? now) < now {
                if task.attempts >= maxAttempts {
                    task.state = .failed
                    task.lastError = JobFailure.workerDied(attempts: maxAttempts)
                    task.nextAttemptAt = nil
                    if let event = failureEvent(key, task.lastError ?? "") { state.outbox.add(event) }
                } else {
                    task.state = .queued
                    task.nextAttemptAt = now
                }
                Self.dropLease(&task, now: now)
                state.tasks[key] = task
                reclaimed += 1
            }
            return reclaimed
        }
    }

    public func retry(_ key: TaskKey, now: Date) async throws(StoreError) -> (task: TaskRecord, retried: Bool)? {
        state.withLock { state in
            guard var task = state.tasks[key] else { return nil }
            guard task.state == .failed, task.callbackID != nil else { return (task, false) }
            task.state = .queued
            task.attempts = 0
            task.nextAttemptAt = now
            task.lastError = nil
            task.changedAt = now
            state.tasks[key] = task
            return (task, true)
        }
    }

    public func countByState() async throws(StoreError) -> [TaskState: Int] {
        state.withLock { state in state.tasks.values.reduce(into: [:]) { $0[$1.state, default: 0] += 1 } }
    }

    public func checkWritable() async throws(StoreError) {}

    public func claimDelivery(owner: String, lease: Duration, now: Date) async throws(StoreError) -> ClaimedDelivery? {
        state.withLock { $0.outbox.claim(owner: owner, until: now + lease.timeInterval, now: now) }
    }

    public func finishDelivery(_ claimed: ClaimedDelivery, attempt: DeliveryAttempt, result: DeliveryResult) async throws(StoreError) -> Bool {
        state.withLock { $0.outbox.finish(claimed, attempt: attempt, result: result) }
    }

    public func events(task: TaskKey) async throws(StoreError) -> [EventRecord] {
        state.withLock { $0.outbox.records(task: task) }
    }

    public func events(after cursor: Int64?, limit: Int, undeliveredOnly: Bool) async throws(StoreError) -> EventPage {
        state.withLock { $0.outbox.page(after: cursor, limit: limit, undeliveredOnly: undeliveredOnly) }
    }

    public func redeliver(_ eventID: String, now: Date) async throws(StoreError) -> EventRecord? {
        state.withLock { $0.outbox.redeliver(eventID, now: now) }
    }

    public func outboxBacklog() async throws(StoreError) -> OutboxBacklog {
        state.withLock { $0.outbox.backlog }
    }

    /// Applies `change` and writes `event` when `job` still holds its task's lease.
    private func leased(_ job: Job, event: OutboxEvent? = nil, _ change: (inout TaskRecord) -> Void) -> Bool {
        state.withLock { state in
            guard var task = state.tasks[job.task], task.leaseOwner == job.owner, task.callbackID == job.callbackID else { return false }
            change(&task)
            state.tasks[job.task] = task
            if let event { state.outbox.add(event) }
            return true
        }
    }

    private static func dropLease(_ task: inout TaskRecord, now: Date) {
        task.leaseOwner = nil
        task.leaseExpiresAt = nil
        task.changedAt = now
    }

    public func register(_ registration: Registration, now: Date) async throws(StoreError) -> (task: TaskRecord, created: Bool) {
        state.withLock { state in
            if let known = state.tasks[registration.task] { return (known, false) }
            let task = TaskRecord(registered: registration.task, tags: registration.tags, now: now)
            state.tasks[task.key] = task
            state.polls.add(registration, dueAt: now)
            return (task, true)
        }
    }

    public func claimPoll(owner: String, lease: Duration, now: Date, waitingSince: Date) async throws(StoreError) -> PollJob? {
        state.withLock { state in
            state.polls.claim(tasks: state.tasks, owner: owner, until: now + lease.timeInterval, now: now, waitingSince: waitingSince)
        }
    }

    public func finishPoll(_ poll: PollJob, nextAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        state.withLock { state in
            guard state.polls.finish(poll, nextAt: nextAt) else { return false }
            if state.tasks[poll.task]?.state == .waiting { state.tasks[poll.task]?.lastError = note }
            return true
        }
    }

    public func giveUpPoll(_ poll: PollJob, reason: String, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        state.withLock { state in
            guard state.polls.remove(poll) else { return false }
            guard var task = state.tasks[poll.task], task.state == .waiting else { return true }
            task.state = .failed
            task.lastError = reason
            task.changedAt = now
            state.tasks[poll.task] = task
            if let event { state.outbox.add(event) }
            return true
        }
    }
}
