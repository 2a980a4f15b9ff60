import DarkroomCore
import Foundation
import GRDB

/// The archive jobs on SQLite: one writer at a time, so a claim is one `UPDATE … RETURNING`,
/// and every later write is conditional on the lease.
extension SQLiteTaskStore {
    public func claim(owner: String, lease: Duration, now: Date) async throws(StoreError) -> Job? {
        try await write("claim a job") { db in
            let row = try Row.fetchOne(db, sql: """
                UPDATE tasks SET state = 'downloading', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, changed_at = ?
                WHERE (provider, id) = (SELECT provider, id FROM tasks WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1)
                RETURNING provider, id, callback_id, attempts
                """, arguments: [owner, Self.milliseconds(now + lease.timeInterval), Self.milliseconds(now), Self.milliseconds(now)])
            guard let row, let callbackID: Int64 = row["callback_id"] else { return nil }
            return Job(task: TaskKey(provider: row["provider"], id: row["id"]), callbackID: callbackID, owner: owner, attempt: row["attempts"])
        }
    }

    public func startProcessing(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET state = 'processing', lease_expires_at = ?, changed_at = ?",
                         [Self.milliseconds(now + lease.timeInterval), Self.milliseconds(now)])
    }

    public func renew(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET lease_expires_at = ?", [Self.milliseconds(now + lease.timeInterval)])
    }

    public func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'archived', folder = ?, verdict = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL,
                next_attempt_at = NULL, changed_at = ?
            """, [folder, verdict.rawValue, note, Self.milliseconds(now)], event: event)
    }

    public func fail(_ job: Job, error: String, retryAt: Date?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = ?, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
            """, [retryAt == nil ? "failed" : "queued", error, retryAt.map(Self.milliseconds), Self.milliseconds(now)], event: event)
    }

    public func release(_ job: Job, retryAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'queued', attempts = attempts - 1, next_attempt_at = ?, last_error = COALESCE(?, last_error),
                lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
            """, [Self.milliseconds(retryAt), note, Self.milliseconds(now)])
    }

    public func reclaimExpired(
        now: Date, maxAttempts: Int, failureEvent: @escaping @Sendable (_ task: TaskKey, _ reason: String) -> OutboxEvent?
    ) async throws(StoreError) -> Int {
        let died = JobFailure.workerDied(attempts: maxAttempts)
        let events = failureEvent
        return try await write("reclaim expired leases") { db in
            let at = Self.milliseconds(now)
            let failing = try Row.fetchAll(db, sql: """
                SELECT provider, id FROM tasks WHERE state IN ('downloading', 'processing') AND lease_expires_at < ? AND attempts >= ?
                """, arguments: [at, maxAttempts])
            try db.execute(sql: """
                UPDATE tasks SET state = 'failed', last_error = ?, next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                    changed_at = ?
                WHERE state IN ('downloading', 'processing') AND lease_expires_at < ? AND attempts >= ?
                """, arguments: [died, at, at, maxAttempts])
            let failed = db.changesCount
            for row in failing {
                if let event = events(TaskKey(provider: row["provider"], id: row["id"]), died) { try Self.insert(event, in: db) }
            }
            try db.execute(sql: """
                UPDATE tasks SET state = 'queued', next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
                WHERE state IN ('downloading', 'processing') AND lease_expires_at < ?
                """, arguments: [at, at, at])
            return failed + db.changesCount
        }
    }

    public func retry(_ key: TaskKey, now: Date) async throws(StoreError) -> (task: TaskRecord, retried: Bool)? {
        try await write("retry task \(key)") { db in
            try db.execute(sql: """
                UPDATE tasks SET state = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL, changed_at = ?
                WHERE provider = ? AND id = ? AND state = 'failed' AND callback_id IS NOT NULL
                """, arguments: [Self.milliseconds(now), Self.milliseconds(now), key.provider, key.id])
            let retried = db.changesCount == 1
            return try TaskRecord.fetchOne(db, key: Self.key(key)).map { ($0, retried) }
        }
    }

    /// An update of the job's task that applies only while `job` still holds its lease, with
    /// `event` written in the same transaction when it applied.
    private func leased(_ job: Job, _ set: String, _ arguments: StatementArguments, event: OutboxEvent? = nil) async throws(StoreError) -> Bool {
        try await write("update the job of task \(job.task)") { db in
            try db.execute(sql: "UPDATE tasks \(set) WHERE provider = ? AND id = ? AND lease_owner = ? AND callback_id = ?",
                           arguments: arguments + [job.task.provider, job.task.id, job.owner, job.callbackID])
            guard db.changesCount == 1 else { return false }
            if let event { try Self.insert(event, in: db) }
            return true
        }
    }
}
