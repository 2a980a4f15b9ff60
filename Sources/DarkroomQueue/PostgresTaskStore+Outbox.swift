import DarkroomCore
import Foundation
import PostgresNIO

/// The outbox on PostgreSQL: deliveries claimed with `FOR UPDATE SKIP LOCKED`, so the senders
/// of many processes never post the same delivery at once; an attempt recorded only by the
/// sender that holds the lease.
extension PostgresTaskStore {
    static func insert(_ event: OutboxEvent, _ connection: PostgresConnection, logger: Logger) async throws {
        let created = event.createdAt.millisecondsSince1970
        try await connection.query("""
            INSERT INTO events (id, type, provider, task_id, created_at, body)
            VALUES (\(event.id), \(event.type), \(event.task.provider), \(event.task.id), \(created), \(event.body))
            """, logger: logger)
        try await connection.query("""
            INSERT INTO deliveries (event_id, endpoint, position, state, tries, next_attempt_at)
            SELECT \(event.id), endpoint, position, 'pending', 0, \(created) FROM unnest(\(event.endpoints)::text[]) WITH ORDINALITY AS t(endpoint, position)
            """, logger: logger)
    }

    public func claimDelivery(owner: String, lease: Duration, now: Date) async throws(StoreError) -> ClaimedDelivery? {
        let at = now.millisecondsSince1970
        let until = (now + lease.timeInterval).millisecondsSince1970
        return try await perform("claim a delivery") { client, logger in
            let rows = try await client.query("""
                WITH claimed AS (
                    UPDATE deliveries SET lease_owner = \(owner), lease_expires_at = \(until)
                    WHERE (event_id, endpoint) = (
                        SELECT event_id, endpoint FROM deliveries
                        WHERE state = 'pending' AND next_attempt_at <= \(at) AND (lease_expires_at IS NULL OR lease_expires_at < \(at))
                        ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING event_id, endpoint, tries)
                SELECT c.endpoint, c.tries, e.id, e.type, e.provider, e.task_id, e.created_at, e.body,
                    (SELECT array_agg(d.endpoint ORDER BY d.position) FROM deliveries d WHERE d.event_id = c.event_id)
                FROM claimed c JOIN events e ON e.id = c.event_id
                """, logger: logger)
            for try await (endpoint, tries, id, type, provider, taskID, created, body, endpoints)
                in rows.decode((String, Int64, String, String, String, String, Int64, Data, [String]).self) {
                let event = OutboxEvent(id: id, type: type, task: TaskKey(provider: provider, id: taskID), createdAt: Date(millisecondsSince1970: created), body: body, endpoints: endpoints)
                return ClaimedDelivery(event: event, endpoint: endpoint, attempts: Int(clamping: tries), owner: owner)
            }
            return nil
        }
    }

    public func finishDelivery(_ claimed: ClaimedDelivery, attempt: DeliveryAttempt, result: DeliveryResult) async throws(StoreError) -> Bool {
        let status = attempt.status.map(Int64.init)
        return try await perform("record a delivery of event \(claimed.event.id)") { client, logger in
            let rows = try await client.query("""
                WITH done AS (
                    UPDATE deliveries SET state = \(result.state.rawValue), tries = tries + 1, next_attempt_at = \(result.nextAttemptAt?.millisecondsSince1970),
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE event_id = \(claimed.event.id) AND endpoint = \(claimed.endpoint) AND lease_owner = \(claimed.owner)
                    RETURNING event_id, endpoint)
                INSERT INTO delivery_attempts (event_id, endpoint, at, status, error)
                SELECT event_id, endpoint, \(attempt.at.millisecondsSince1970), \(status), \(attempt.error) FROM done
                RETURNING id
                """, logger: logger)
            for try await _ in rows { return true }
            return false
        }
    }

    public func events(task: TaskKey) async throws(StoreError) -> [EventRecord] {
        try await records("read the events of task \(task)", "WHERE provider = \(task.provider) AND task_id = \(task.id) ORDER BY seq")
    }

    public func events(after cursor: Int64?, limit: Int, undeliveredOnly: Bool) async throws(StoreError) -> EventPage {
        let limit = min(max(limit, 1), EventPage.maxLimit)
        let undelivered: PostgresQuery = undeliveredOnly ? """
            AND EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state IN ('failed', 'gone'))
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state = 'pending')
            """ : ""
        var query: PostgresQuery = "WHERE seq > \(cursor ?? 0) "
        query.sql += undelivered.sql
        query.sql += " ORDER BY seq LIMIT \(limit + 1)"
        let found = try await records("read the events", query)
        let page = Array(found.prefix(limit))
        return EventPage(events: page, nextCursor: found.count > limit ? page.last?.sequence : nil)
    }

    public func redeliver(_ eventID: String, now: Date) async throws(StoreError) -> EventRecord? {
        _ = try await perform("redeliver event \(eventID)") { client, logger in
            try await client.query("""
                UPDATE deliveries SET state = 'pending', tries = 0, next_attempt_at = \(now.millisecondsSince1970), lease_owner = NULL,
                    lease_expires_at = NULL
                WHERE event_id = \(eventID)
                """, logger: logger)
        }
        return try await records("read event \(eventID)", "WHERE id = \(eventID)").first
    }

    public func outboxBacklog() async throws(StoreError) -> OutboxBacklog {
        try await perform("read the outbox's backlog") { client, logger in
            for try await (pending, oldest) in try await client.query("""
                SELECT COUNT(*), MIN(e.created_at) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.state = 'pending'
                """, logger: logger).decode((Int64, Int64?).self) {
                return OutboxBacklog(pending: Int(clamping: pending), oldest: oldest.map(Date.init(millisecondsSince1970:)))
            }
            return OutboxBacklog(pending: 0, oldest: nil)
        }
    }

    /// The events that `clause` (what follows `FROM events`, without binds of its own beyond the
    /// ones it holds) picks, in its order, with their deliveries and attempts.
    private func records(_ what: String, _ clause: PostgresQuery) async throws(StoreError) -> [EventRecord] {
        var select: PostgresQuery = "SELECT seq, id, type, provider, task_id, created_at, body FROM events "
        select.sql += clause.sql
        select.binds = clause.binds
        let query = select
        return try await perform(what) { client, logger in
            var events: [(sequence: Int64, event: OutboxEvent)] = []
            for try await (sequence, id, type, provider, taskID, created, body) in try await client.query(query, logger: logger)
                .decode((Int64, String, String, String, String, Int64, Data).self) {
                events.append((sequence, OutboxEvent(id: id, type: type, task: TaskKey(provider: provider, id: taskID), createdAt: Date(millisecondsSince1970: created), body: body, endpoints: [])))
            }
            guard !events.isEmpty else { return [] }
            let ids = events.map(\.event.id)
            var attempts: [String: [(endpoint: String, attempt: DeliveryAttempt)]] = [:]
            for try await (eventID, endpoint, at, status, error) in try await client.query("""
                SELECT event_id, endpoint, at, status, error FROM delivery_attempts WHERE event_id = ANY(\(ids)) ORDER BY id
                """, logger: logger).decode((String, String, Int64, Int64?, String?).self) {
                attempts[eventID, default: []].append((endpoint, DeliveryAttempt(
                    at: Date(millisecondsSince1970: at), status: status.map { Int(clamping: $0) }, error: error)))
            }
            var deliveries: [String: [Delivery]] = [:]
            for try await (eventID, endpoint, state, next) in try await client.query("""
                SELECT event_id, endpoint, state, next_attempt_at FROM deliveries WHERE event_id = ANY(\(ids)) ORDER BY position
                """, logger: logger).decode((String, String, String, Int64?).self) {
                deliveries[eventID, default: []].append(Delivery(
                    endpoint: endpoint, state: DeliveryState(rawValue: state) ?? .pending, nextAttemptAt: next.map(Date.init(millisecondsSince1970:)),
                    attempts: (attempts[eventID] ?? []).filter { $0.endpoint == endpoint }.map(\.attempt)))
            }
            return events.map { sequence, event in
                var event = event
                let mine = deliveries[event.id] ?? []
                event.endpoints = mine.map(\.endpoint)
                return EventRecord(event: event, deliveries: mine, sequence: sequence)
            }
        }
    }
}
