import DarkroomCore
import Foundation
import PostgresNIO

/// The archive jobs on PostgreSQL: claimed with `FOR UPDATE SKIP LOCKED`, every later write
/// conditional on the lease, and a NOTIFY whenever a job is queued again.
extension PostgresTaskStore {
    public func claim(owner: String, lease: Duration, now: Date) async throws(StoreError) -> Job? {
        let at = now.millisecondsSince1970
        let until = (now + lease.timeInterval).millisecondsSince1970
        return try await perform("claim a job") { client, logger in
            for try await (provider, id, callbackID, attempts) in try await client.query("""
                UPDATE tasks SET state = 'downloading', lease_owner = \(owner), lease_expires_at = \(until), attempts = attempts + 1,
                    changed_at = \(at)
                WHERE (provider, id) = (SELECT provider, id FROM tasks WHERE state = 'queued' AND next_attempt_at <= \(at)
                                        ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING provider, id, callback_id, attempts
                """, logger: logger).decode((String, String, Int64?, Int64).self) {
                guard let callbackID else { return nil }
                return Job(task: TaskKey(provider: provider, id: id), callbackID: callbackID, owner: owner, attempt: Int(clamping: attempts))
            }
            return nil
        }
    }

    public func startProcessing(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET state = 'processing', lease_expires_at = \((now + lease.timeInterval).millisecondsSince1970), changed_at = \(now.millisecondsSince1970)")
    }

    public func renew(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET lease_expires_at = \((now + lease.timeInterval).millisecondsSince1970)")
    }

    public func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'archived', folder = \(folder), verdict = \(verdict.rawValue), last_error = \(note), lease_owner = NULL,
                lease_expires_at = NULL, next_attempt_at = NULL, changed_at = \(now.millisecondsSince1970)
            """, event: event)
    }

    public func fail(_ job: Job, error: String, retryAt: Date?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = \(retryAt == nil ? "failed" : "queued"), last_error = \(error), next_attempt_at = \(retryAt?.millisecondsSince1970),
                lease_owner = NULL, lease_expires_at = NULL, changed_at = \(now.millisecondsSince1970)
            """, event: event)
    }

    public func release(_ job: Job, retryAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'queued', attempts = attempts - 1, next_attempt_at = \(retryAt.millisecondsSince1970),
                last_error = COALESCE(\(note), last_error), lease_owner = NULL, lease_expires_at = NULL,
                changed_at = \(now.millisecondsSince1970)
            """, notify: true)
    }

    /// One statement, so that a job is either failed for good or queued again, never both, and
    /// two processes reclaiming at once each take a job at most once.
    public func reclaimExpired(
        now: Date, maxAttempts: Int, failureEvent: @escaping @Sendable (_ task: TaskKey, _ reason: String) -> OutboxEvent?
    ) async throws(StoreError) -> Int {
        let at = now.millisecondsSince1970
        let died = JobFailure.workerDied(attempts: maxAttempts)
        let events = failureEvent
        let states = try await perform("reclaim expired leases") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var states: [String] = []
                var failed: [TaskKey] = []
                for try await (provider, id, state) in try await connection.query("""
                    UPDATE tasks SET
                        state = CASE WHEN attempts >= \(maxAttempts) THEN 'failed' ELSE 'queued' END,
                        last_error = CASE WHEN attempts >= \(maxAttempts) THEN \(died) ELSE last_error END,
                        next_attempt_at = CASE WHEN attempts >= \(maxAttempts) THEN NULL ELSE \(at) END,
                        lease_owner = NULL, lease_expires_at = NULL, changed_at = \(at)
                    WHERE state IN ('downloading', 'processing') AND lease_expires_at < \(at)
                    RETURNING provider, id, state
                    """, logger: logger).decode((String, String, String).self) {
                    states.append(state)
                    if state == "failed" { failed.append(TaskKey(provider: provider, id: id)) }
                }
                if states.contains("queued") { try await Self.notify(connection, logger: logger) }
                for key in failed {
                    if let event = events(key, died) { try await Self.insert(event, connection, logger: logger) }
                }
                return states
            }
        }
        return states.count
    }

    public func retry(_ key: TaskKey, now: Date) async throws(StoreError) -> (task: TaskRecord, retried: Bool)? {
        let at = now.millisecondsSince1970
        return try await perform("retry task \(key)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var retried = false
                for try await _ in try await connection.query("""
                    UPDATE tasks SET state = 'queued', attempts = 0, next_attempt_at = \(at), last_error = NULL, changed_at = \(at)
                    WHERE provider = \(key.provider) AND id = \(key.id) AND state = 'failed' AND callback_id IS NOT NULL RETURNING id
                    """, logger: logger) {
                    retried = true
                }
                if retried { try await Self.notify(connection, logger: logger) }
                for try await row in try await connection.query(
                    "SELECT \(unescaped: PostgresRows.taskColumns) FROM tasks WHERE provider = \(key.provider) AND id = \(key.id)",
                    logger: logger) {
                    return (try PostgresRows.task(row), retried)
                }
                return nil
            }
        }
    }
}
