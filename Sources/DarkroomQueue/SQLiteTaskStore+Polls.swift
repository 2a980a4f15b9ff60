import DarkroomCore
import Foundation
import GRDB

/// Polls on SQLite: one row per task being polled, claimed under a lease as the archive jobs
/// are; a task waiting too long joins in the claim's own transaction.
extension SQLiteTaskStore {
    public func register(_ registration: Registration, now: Date) async throws(StoreError) -> (task: TaskRecord, created: Bool) {
        try await write("register task \(registration.task)") { db in
            if let known = try TaskRecord.fetchOne(db, key: Self.key(registration.task)) { return (known, false) }
            let task = TaskRecord(registered: registration.task, tags: registration.tags, now: now)
            try Self.upsert(task, in: db)
            try db.execute(sql: "INSERT INTO polls (provider, task_id, action, url, tries, due_at) VALUES (?, ?, ?, ?, 0, ?)",
                           arguments: [task.provider, task.id, registration.action, registration.url, Self.milliseconds(now)])
            return (task, true)
        }
    }

    public func claimPoll(owner: String, lease: Duration, now: Date, waitingSince: Date) async throws(StoreError) -> PollJob? {
        try await write("claim a poll") { db in
            let at = Self.milliseconds(now)
            try db.execute(sql: """
                INSERT INTO polls (provider, task_id, tries, due_at)
                SELECT provider, id, 0, ? FROM tasks
                WHERE state = 'waiting' AND changed_at <= ? AND (provider, id) NOT IN (SELECT provider, task_id FROM polls)
                """, arguments: [at, Self.milliseconds(waitingSince)])
            try db.execute(sql: "DELETE FROM polls WHERE (provider, task_id) NOT IN (SELECT provider, id FROM tasks WHERE state = 'waiting')")
            let row = try Row.fetchOne(db, sql: """
                UPDATE polls SET lease_owner = ?, lease_expires_at = ?
                WHERE (provider, task_id) = (SELECT provider, task_id FROM polls WHERE due_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at < ?)
                                             ORDER BY due_at, provider, task_id LIMIT 1)
                RETURNING provider, task_id, action, url, tries
                """, arguments: [owner, Self.milliseconds(now + lease.timeInterval), at, at])
            guard let row, let task = try TaskRecord.fetchOne(db, key: Self.key(TaskKey(provider: row["provider"], id: row["task_id"]))) else {
                return nil
            }
            return PollJob(task: task.key, action: row["action"], url: row["url"], tries: row["tries"], firstSeenAt: task.firstSeenAt, owner: owner)
        }
    }

    public func finishPoll(_ poll: PollJob, nextAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await write("finish the poll of task \(poll.task)") { db in
            try db.execute(sql: """
                UPDATE polls SET tries = tries + 1, due_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE provider = ? AND task_id = ? AND lease_owner = ?
                """, arguments: [Self.milliseconds(nextAt), poll.task.provider, poll.task.id, poll.owner])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "UPDATE tasks SET last_error = ? WHERE provider = ? AND id = ? AND state = 'waiting'",
                           arguments: [note, poll.task.provider, poll.task.id])
            return true
        }
    }

    public func giveUpPoll(_ poll: PollJob, reason: String, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await write("give up polling task \(poll.task)") { db in
            try db.execute(sql: "DELETE FROM polls WHERE provider = ? AND task_id = ? AND lease_owner = ?",
                           arguments: [poll.task.provider, poll.task.id, poll.owner])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "UPDATE tasks SET state = 'failed', last_error = ?, changed_at = ? WHERE provider = ? AND id = ? AND state = 'waiting'",
                           arguments: [reason, Self.milliseconds(now), poll.task.provider, poll.task.id])
            if db.changesCount == 1, let event { try Self.insert(event, in: db) }
            return true
        }
    }
}
