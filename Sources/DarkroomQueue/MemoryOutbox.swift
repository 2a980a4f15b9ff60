import DarkroomCore
import Foundation

/// The events and deliveries of `MemoryTaskStore`, under its lock: the rules the SQL stores'
/// outbox tables follow, in plain Swift.
struct MemoryOutbox {
    private struct Row {
        var eventID: String
        var endpoint: String
        var state = DeliveryState.pending
        var tries = 0
        var nextAttemptAt: Date?
        var leaseOwner: String?
        var leaseExpiresAt: Date?
        var attempts: [DeliveryAttempt] = []
    }

    private var events: [OutboxEvent] = []
    private var rows: [Row] = []

    mutating func add(_ event: OutboxEvent) {
        events.append(event)
        rows += event.endpoints.map { Row(eventID: event.id, endpoint: $0, nextAttemptAt: event.createdAt) }
    }

    mutating func claim(owner: String, until expiry: Date, now: Date) -> ClaimedDelivery? {
        let due = rows.indices.filter { index in
            let row = rows[index]
            return row.state == .pending && (row.nextAttemptAt ?? now) <= now && (row.leaseExpiresAt.map { $0 < now } ?? true)
        }
        guard let index = due.min(by: { (rows[$0].nextAttemptAt ?? now) < (rows[$1].nextAttemptAt ?? now) }),
              let event = events.first(where: { $0.id == rows[index].eventID })
        else { return nil }
        rows[index].leaseOwner = owner
        rows[index].leaseExpiresAt = expiry
        return ClaimedDelivery(event: event, endpoint: rows[index].endpoint, attempts: rows[index].tries, owner: owner)
    }

    mutating func finish(_ claimed: ClaimedDelivery, attempt: DeliveryAttempt, result: DeliveryResult) -> Bool {
        guard let index = rows.firstIndex(where: {
            $0.eventID == claimed.event.id && $0.endpoint == claimed.endpoint && $0.leaseOwner == claimed.owner
        }) else { return false }
        rows[index].state = result.state
        rows[index].tries += 1
        rows[index].nextAttemptAt = result.nextAttemptAt
        rows[index].leaseOwner = nil
        rows[index].leaseExpiresAt = nil
        rows[index].attempts.append(attempt)
        return true
    }

    func records(task: TaskKey) -> [EventRecord] {
        events.indices.filter { events[$0].task == task }.map(record)
    }

    func page(after cursor: Int64?, limit: Int, undeliveredOnly: Bool) -> EventPage {
        let limit = min(max(limit, 1), EventPage.maxLimit)
        let start = Int(clamping: max(cursor ?? 0, 0))
        let found = events.indices.dropFirst(start).lazy.map(record).filter { !undeliveredOnly || $0.isUndelivered }.prefix(limit + 1)
        let page = Array(found.prefix(limit))
        return EventPage(events: page, nextCursor: found.count > limit ? page.last?.sequence : nil)
    }

    mutating func redeliver(_ eventID: String, now: Date) -> EventRecord? {
        guard let index = events.firstIndex(where: { $0.id == eventID }) else { return nil }
        for row in rows.indices where rows[row].eventID == eventID {
            rows[row].state = .pending
            rows[row].tries = 0
            rows[row].nextAttemptAt = now
            rows[row].leaseOwner = nil
            rows[row].leaseExpiresAt = nil
        }
        return record(index)
    }

    var backlog: OutboxBacklog {
        let pending = rows.filter { $0.state == .pending }
        let ids = Set(pending.map(\.eventID))
        return OutboxBacklog(pending: pending.count, oldest: events.filter { ids.contains($0.id) }.map(\.createdAt).min())
    }

    /// The event at `index` of the outbox; its sequence is its position from 1.
    private func record(_ index: Int) -> EventRecord {
        let event = events[index]
        return EventRecord(event: event, deliveries: rows.filter { $0.eventID == event.id }.map {
            Delivery(endpoint: $0.endpoint, state: $0.state, nextAttemptAt: $0.nextAttemptAt, attempts: $0.attempts)
        }, sequence: Int64(index + 1))
    }
}
