import DarkroomCore
import Foundation

/// Durable tasks, their callback history and their archive jobs. Every method is one
/// transaction: when `record` returns, the callback is on disk.
public protocol TaskStore: Sendable {
    /// Stores the callback in the task's history and applies it (`CallbackPolicy`).
    func record(_ callback: ReceivedCallback) async throws(StoreError) -> (task: TaskRecord, outcome: CallbackPolicy.Outcome)
    func task(_ key: TaskKey) async throws(StoreError) -> TaskRecord?
    /// The task's callbacks received after callback `after` (from the first when nil), oldest
    /// first, at most `limit` (clamped to 1…`HistoryPage.maxLimit`).
    func history(_ key: TaskKey, after: Int64?, limit: Int) async throws(StoreError) -> HistoryPage
    func callback(_ id: Int64) async throws(StoreError) -> StoredCallback?
    /// A page of tasks, newest first, filtered by `query`.
    func tasks(_ query: TaskQuery) async throws(StoreError) -> TaskPage

    /// Takes the queued job that has waited longest and is due, for a download worker:
    /// the task becomes `downloading`, leased to `owner` until `now + lease`.
    func claim(owner: String, lease: Duration, now: Date) async throws(StoreError) -> Job?
    /// Moves a job to `processing` (its downloads are done). False when the lease was lost.
    func startProcessing(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool
    /// Extends the lease. False when it was lost (expired and reclaimed, or the task re-queued).
    func renew(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool
    /// The task is archived. False when the lease was lost. `note` is kept as the task's last
    /// error (a re-archive that changed nothing says why); nil clears it. `event` is written in
    /// the same transaction, and only when the task changed.
    func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool
    /// The attempt failed: queued again at `retryAt`, or failed for good when nil. `event` as
    /// for `complete`.
    func fail(_ job: Job, error: String, retryAt: Date?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool
    /// Gives the job back unfinished (shutdown, or no room to store it yet): queued again at
    /// `retryAt`, the attempt not counted, `note` kept as its last error when given.
    func release(_ job: Job, retryAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool
    /// Puts jobs whose lease ran out back in the queue; returns how many. A job whose worker
    /// died (or stalled) in each of its `maxAttempts` attempts is failed for good instead, so a
    /// task that kills its worker every time never loops.
    /// `failureEvent` makes the `task.failed` of each task failed so, written in the same
    /// transaction.
    func reclaimExpired(now: Date, maxAttempts: Int, failureEvent: @escaping @Sendable (_ task: TaskKey, _ reason: String) -> OutboxEvent?) async throws(StoreError) -> Int
    /// Queues a failed task's job again with fresh attempts. Nil when the task is unknown;
    /// `retried` false, the task unchanged, when it is not failed or has no succeeded callback.
    func retry(_ key: TaskKey, now: Date) async throws(StoreError) -> (task: TaskRecord, retried: Bool)?
    /// Adds an archived task known only from its index and its succeeded callback (the store
    /// rebuilt from the archive by `darkroom reindex`). False, and nothing changed, when the store
    /// knows the task already: what it knows is newer than the archive.
    func restore(_ index: TaskIndex, callback: ReceivedCallback) async throws(StoreError) -> Bool
    /// Tasks by state, for metrics and readiness.
    func countByState() async throws(StoreError) -> [TaskState: Int]
    /// Takes and drops the write lock: succeeds only when a callback could be stored now.
    func checkWritable() async throws(StoreError)
    /// Takes the pending delivery that is due and has waited longest, leased to `owner` until
    /// `now + lease`.
    func claimDelivery(owner: String, lease: Duration, now: Date) async throws(StoreError) -> ClaimedDelivery?
    /// Records an attempt of a claimed delivery and what it leaves the delivery as. False, and
    /// nothing recorded, when the lease was lost.
    func finishDelivery(_ claimed: ClaimedDelivery, attempt: DeliveryAttempt, result: DeliveryResult) async throws(StoreError) -> Bool
    /// The task's events, oldest first, with their deliveries and attempts.
    func events(task: TaskKey) async throws(StoreError) -> [EventRecord]
    /// The events after `cursor` (from the first when nil), oldest first, at most `limit`
    /// (clamped to 1…`EventPage.maxLimit`); with `undeliveredOnly`, those `isUndelivered`.
    func events(after cursor: Int64?, limit: Int, undeliveredOnly: Bool) async throws(StoreError) -> EventPage
    /// Every delivery of the event due again now, its count of tries back to 0 (the attempts
    /// stay recorded). Nil when there is no such event.
    func redeliver(_ eventID: String, now: Date) async throws(StoreError) -> EventRecord?
    func outboxBacklog() async throws(StoreError) -> OutboxBacklog

    /// Creates a `waiting` task to be polled from now on, though no callback came. Registering a
    /// task the store knows changes nothing: `created` false, the task as it is.
    func register(_ registration: Registration, now: Date) async throws(StoreError) -> (task: TaskRecord, created: Bool)
    /// Takes the poll that is due and has waited longest, leased to `owner` until
    /// `now + lease`. Tasks `waiting` since `waitingSince` or before join the polls first (due
    /// now); polls of tasks that ended are dropped.
    func claimPoll(owner: String, lease: Duration, now: Date, waitingSince: Date) async throws(StoreError) -> PollJob?
    /// The poll was made: the next is due at `nextAt`; `note` (why it did not help, nil when it
    /// did) becomes the last error of the task if it is still `waiting`. False when the lease was
    /// lost.
    func finishPoll(_ poll: PollJob, nextAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool
    /// Polling gave up on a task that never ended: it is failed with `reason` (and `event`
    /// written) if it is still `waiting`, and polled no more. False when the lease was lost.
    func giveUpPoll(_ poll: PollJob, reason: String, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool

    /// Runs what the store needs in the background until the task is cancelled, calling
    /// `jobQueued` when a job was queued elsewhere (another process on a shared database). The
    /// stores of one process need nothing: they wait for the cancellation.
    func run(jobQueued: @escaping @Sendable () -> Void) async
}

extension TaskStore {
    public func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await complete(job, folder: folder, verdict: verdict, note: note, now: now, event: nil)
    }

    public func fail(_ job: Job, error: String, retryAt: Date?, now: Date) async throws(StoreError) -> Bool {
        try await fail(job, error: error, retryAt: retryAt, now: now, event: nil)
    }

    public func reclaimExpired(now: Date, maxAttempts: Int) async throws(StoreError) -> Int {
        try await reclaimExpired(now: now, maxAttempts: maxAttempts) { _, _ in nil }
    }

    public func run(jobQueued: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
