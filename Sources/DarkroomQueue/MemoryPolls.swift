import DarkroomCore
import Foundation

/// The polls of `MemoryTaskStore`, under its lock: the rules of the SQL stores' `polls` table,
/// in plain Swift.
struct MemoryPolls {
    private struct Row {
        var action: String?
        var url: String?
        var tries = 0
        var dueAt: Date
        var leaseOwner: String?
        var leaseExpiresAt: Date?
    }

    private var rows: [TaskKey: Row] = [:]

    mutating func add(_ registration: Registration, dueAt: Date) {
        rows[registration.task] = Row(action: registration.action, url: registration.url, dueAt: dueAt)
    }

    mutating func claim(tasks: [TaskKey: TaskRecord], owner: String, until expiry: Date, now: Date, waitingSince: Date) -> PollJob? {
        for task in tasks.values where task.state == .waiting && task.changedAt <= waitingSince && rows[task.key] == nil {
            rows[task.key] = Row(dueAt: now)
        }
        rows = rows.filter { tasks[$0.key]?.state == .waiting }
        let due = rows.filter { $0.value.dueAt <= now && ($0.value.leaseExpiresAt.map { $0 < now } ?? true) }
        guard let (key, row) = due.min(by: { ($0.value.dueAt, $0.key) < ($1.value.dueAt, $1.key) }), let task = tasks[key] else { return nil }
        rows[key]?.leaseOwner = owner
        rows[key]?.leaseExpiresAt = expiry
        return PollJob(task: key, action: row.action, url: row.url, tries: row.tries, firstSeenAt: task.firstSeenAt, owner: owner)
    }

    mutating func finish(_ poll: PollJob, nextAt: Date) -> Bool {
        guard rows[poll.task]?.leaseOwner == poll.owner else { return false }
        rows[poll.task]?.tries += 1
        rows[poll.task]?.dueAt = nextAt
        rows[poll.task]?.leaseOwner = nil
        rows[poll.task]?.leaseExpiresAt = nil
        return true
    }

    mutating func remove(_ poll: PollJob) -> Bool {
        guard rows[poll.task]?.leaseOwner == poll.owner else { return false }
        rows[poll.task] = nil
        return true
    }
}
