import DarkroomCore
import Foundation
import PostgresNIO

/// Polls on PostgreSQL: claimed with `FOR UPDATE SKIP LOCKED`, so that processes on one
/// database never poll one task at once; every later write conditional on the lease.
extension PostgresTaskStore {
    public func register(_ registration: Registration, now: Date) async throws(StoreError) -> (task: TaskRecord, created: Bool) {
        let task = TaskRecord(registered: registration.task, tags: registration.tags, now: now)
        return try await perform("register task \(registration.task)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                if try await PostgresCallbackBatch.insertIfNew(task, on: connection, logger: logger) {
                    try await connection.query("""
                        INSERT INTO polls (provider, task_id, action, url, tries, due_at)
                        VALUES (\(task.provider), \(task.id), \(registration.action), \(registration.url), 0, \(now.millisecondsSince1970))
                        """, logger: logger)
                    return (task, true)
                }
                for try await row in try await connection.query(
                    "SELECT \(unescaped: PostgresRows.taskColumns) FROM tasks WHERE provider = \(task.provider) AND id = \(task.id)",
                    logger: logger) {
                    return (try PostgresRows.task(row), false)
                }
                throw PostgresRows.UnreadableRow(what: "the registered task")
            }
        }
    }

    public func claimPoll(owner: String, lease: Duration, now: Date, waitingSince: Date) async throws(StoreError) -> PollJob? {
        let at = now.millisecondsSince1970
        let until = (now + lease.timeInterval).millisecondsSince1970
        let since = waitingSince.millisecondsSince1970
        return try await perform("claim a poll") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("""
                    INSERT INTO polls (provider, task_id, tries, due_at)
                    SELECT provider, id, 0, \(at) FROM tasks WHERE state = 'waiting' AND changed_at <= \(since)
                        AND NOT EXISTS (SELECT 1 FROM polls WHERE polls.provider = tasks.provider AND polls.task_id = tasks.id)
                    ON CONFLICT (provider, task_id) DO NOTHING
                    """, logger: logger)
                try await connection.query("""
                    DELETE FROM polls WHERE NOT EXISTS (
                        SELECT 1 FROM tasks WHERE tasks.provider = polls.provider AND tasks.id = polls.task_id AND tasks.state = 'waiting')
                    """, logger: logger)
                for try await (provider, id, action, url, tries, firstSeen) in try await connection.query("""
                    UPDATE polls SET lease_owner = \(owner), lease_expires_at = \(until)
                    FROM tasks
                    WHERE (polls.provider, polls.task_id) = (
                            SELECT provider, task_id FROM polls WHERE due_at <= \(at) AND (lease_expires_at IS NULL OR lease_expires_at < \(at))
                            ORDER BY due_at, provider, task_id LIMIT 1 FOR UPDATE SKIP LOCKED)
                        AND tasks.provider = polls.provider AND tasks.id = polls.task_id
                    RETURNING polls.provider, polls.task_id, polls.action, polls.url, polls.tries, tasks.first_seen_at
                    """, logger: logger).decode((String, String, String?, String?, Int64, Int64).self) {
                    return PollJob(task: TaskKey(provider: provider, id: id), action: action, url: url, tries: Int(clamping: tries),
                                   firstSeenAt: Date(millisecondsSince1970: firstSeen), owner: owner)
                }
                return nil
            }
        }
    }

    public func finishPoll(_ poll: PollJob, nextAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await perform("finish the poll of task \(poll.task)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var leased = false
                for try await _ in try await connection.query("""
                    UPDATE polls SET tries = tries + 1, due_at = \(nextAt.millisecondsSince1970), lease_owner = NULL, lease_expires_at = NULL
                    WHERE provider = \(poll.task.provider) AND task_id = \(poll.task.id) AND lease_owner = \(poll.owner) RETURNING task_id
                    """, logger: logger) {
                    leased = true
                }
                if leased {
                    try await connection.query("""
                        UPDATE tasks SET last_error = \(note) WHERE provider = \(poll.task.provider) AND id = \(poll.task.id) AND state = 'waiting'
                        """, logger: logger)
                }
                return leased
            }
        }
    }

    public func giveUpPoll(_ poll: PollJob, reason: String, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await perform("give up polling task \(poll.task)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var leased = false
                for try await _ in try await connection.query(
                    "DELETE FROM polls WHERE provider = \(poll.task.provider) AND task_id = \(poll.task.id) AND lease_owner = \(poll.owner) RETURNING task_id",
                    logger: logger) {
                    leased = true
                }
                guard leased else { return false }
                var failed = false
                for try await _ in try await connection.query("""
                    UPDATE tasks SET state = 'failed', last_error = \(reason), changed_at = \(now.millisecondsSince1970)
                    WHERE provider = \(poll.task.provider) AND id = \(poll.task.id) AND state = 'waiting' RETURNING id
                    """, logger: logger) {
                    failed = true
                }
                if failed, let event { try await Self.insert(event, connection, logger: logger) }
                return true
            }
        }
    }
}
