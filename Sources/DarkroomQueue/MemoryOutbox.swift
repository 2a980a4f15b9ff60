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

    func records(taskID: String) -> [EventRecord] {
        events.filter { $0.taskID == taskID }.map { event in
            EventRecord(event: event, deliveries: rows.filter { $0.eventID == event.id }.map {
                Delivery(endpoint: $0.endpoint, state: $0.state, nextAttemptAt: $0.nextAttemptAt, attempts: $0.attempts)
            })
        }
    }
}
