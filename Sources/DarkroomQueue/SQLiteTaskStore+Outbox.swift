import DarkroomCore
import Foundation
import GRDB

/// The outbox in SQLite: `events`, one `deliveries` row per endpoint, every `delivery_attempts`.
extension SQLiteTaskStore {
    static func insert(_ event: OutboxEvent, in db: Database) throws {
        let created = milliseconds(event.createdAt)
        try db.execute(sql: "INSERT INTO events (id, type, provider, task_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [event.id, event.type, event.task.provider, event.task.id, created, event.body])
        for endpoint in event.endpoints {
            try db.execute(sql: "INSERT INTO deliveries (event_id, endpoint, state, tries, next_attempt_at) VALUES (?, ?, 'pending', 0, ?)",
                           arguments: [event.id, endpoint, created])
        }
    }

    public func claimDelivery(owner: String, lease: Duration, now: Date) async throws(StoreError) -> ClaimedDelivery? {
        try await write("claim a delivery") { db in
            let at = Self.milliseconds(now)
            guard let row = try Row.fetchOne(db, sql: """
                UPDATE deliveries SET lease_owner = ?, lease_expires_at = ?
                WHERE rowid = (SELECT rowid FROM deliveries
                               WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at < ?)
                               ORDER BY next_attempt_at LIMIT 1)
                RETURNING event_id, endpoint, tries
                """, arguments: [owner, Self.milliseconds(now + lease.timeInterval), at, at]),
                  let (event, _) = try Self.stored(row["event_id"], in: db)
            else { return nil }
            return ClaimedDelivery(event: event, endpoint: row["endpoint"], attempts: row["tries"], owner: owner)
        }
    }

    public func finishDelivery(_ claimed: ClaimedDelivery, attempt: DeliveryAttempt, result: DeliveryResult) async throws(StoreError) -> Bool {
        try await write("record a delivery of event \(claimed.event.id)") { db in
            try db.execute(sql: """
                UPDATE deliveries SET state = ?, tries = tries + 1, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE event_id = ? AND endpoint = ? AND lease_owner = ?
                """, arguments: [result.state.rawValue, result.nextAttemptAt.map(Self.milliseconds), claimed.event.id, claimed.endpoint, claimed.owner])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT INTO delivery_attempts (event_id, endpoint, at, status, error) VALUES (?, ?, ?, ?, ?)",
                           arguments: [claimed.event.id, claimed.endpoint, Self.milliseconds(attempt.at), attempt.status, attempt.error])
            return true
        }
    }

    public func events(task: TaskKey) async throws(StoreError) -> [EventRecord] {
        try await read("read the events of task \(task)") { db in
            try String.fetchAll(db, sql: "SELECT id FROM events WHERE provider = ? AND task_id = ? ORDER BY rowid", arguments: [task.provider, task.id])
                .compactMap { try Self.record($0, in: db) }
        }
    }

    public func events(after cursor: Int64?, limit: Int, undeliveredOnly: Bool) async throws(StoreError) -> EventPage {
        let limit = min(max(limit, 1), EventPage.maxLimit)
        return try await read("read the events") { db in
            let undelivered = undeliveredOnly ? """
                AND EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state IN ('failed', 'gone'))
                AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state = 'pending')
                """ : ""
            let ids = try String.fetchAll(db, sql: "SELECT id FROM events e WHERE rowid > ? \(undelivered) ORDER BY rowid LIMIT ?",
                                          arguments: [cursor ?? 0, limit + 1])
            let records = try ids.prefix(limit).compactMap { try Self.record($0, in: db) }
            return EventPage(events: records, nextCursor: ids.count > limit ? records.last?.sequence : nil)
        }
    }

    public func redeliver(_ eventID: String, now: Date) async throws(StoreError) -> EventRecord? {
        try await write("redeliver event \(eventID)") { db in
            try db.execute(sql: """
                UPDATE deliveries SET state = 'pending', tries = 0, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE event_id = ?
                """, arguments: [Self.milliseconds(now), eventID])
            return try Self.record(eventID, in: db)
        }
    }

    public func outboxBacklog() async throws(StoreError) -> OutboxBacklog {
        try await read("read the outbox's backlog") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS pending, MIN(e.created_at) AS oldest FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.state = 'pending'
                """)
            return OutboxBacklog(pending: row?["pending"] ?? 0, oldest: (row?["oldest"] as Int64?).map(Date.init(millisecondsSince1970:)))
        }
    }

    private static func record(_ id: String, in db: Database) throws -> EventRecord? {
        guard let (event, sequence) = try stored(id, in: db) else { return nil }
        return EventRecord(event: event, deliveries: try deliveries(of: id, in: db), sequence: sequence)
    }

    /// The event, and its rowid as its place in the outbox.
    private static func stored(_ id: String, in db: Database) throws -> (OutboxEvent, Int64)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid, type, provider, task_id, created_at, body FROM events WHERE id = ?", arguments: [id]) else { return nil }
        let endpoints = try String.fetchAll(db, sql: "SELECT endpoint FROM deliveries WHERE event_id = ? ORDER BY rowid", arguments: [id])
        let event = OutboxEvent(id: id, type: row["type"], task: TaskKey(provider: row["provider"], id: row["task_id"]), createdAt: Date(millisecondsSince1970: row["created_at"]),
                                body: row["body"], endpoints: endpoints)
        return (event, row["rowid"])
    }

    private static func deliveries(of id: String, in db: Database) throws -> [Delivery] {
        let attempts = try Row.fetchAll(db, sql: "SELECT endpoint, at, status, error FROM delivery_attempts WHERE event_id = ? ORDER BY rowid", arguments: [id])
        return try Row.fetchAll(db, sql: "SELECT endpoint, state, next_attempt_at FROM deliveries WHERE event_id = ? ORDER BY rowid", arguments: [id]).map { row in
            let endpoint: String = row["endpoint"]
            return Delivery(
                endpoint: endpoint, state: DeliveryState(rawValue: row["state"]) ?? .pending,
                nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Date.init(millisecondsSince1970:)),
                attempts: attempts.filter { $0["endpoint"] == endpoint }.map {
                    DeliveryAttempt(at: Date(millisecondsSince1970: $0["at"]), status: $0["status"], error: $0["error"])
                })
        }
    }
}
