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
            INSERT INTO events (id, type, task_id, created_at, body) VALUES (\(event.id), \(event.type), \(event.taskID), \(created), \(event.body))
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
                SELECT c.endpoint, c.tries, e.id, e.type, e.task_id, e.created_at, e.body,
                    (SELECT array_agg(d.endpoint ORDER BY d.position) FROM deliveries d WHERE d.event_id = c.event_id)
                FROM claimed c JOIN events e ON e.id = c.event_id
                """, logger: logger)
            for try await (endpoint, tries, id, type, taskID, created, body, endpoints)
                in rows.decode((String, Int64, String, String, String, Int64, Data, [String]).self) {
                let event = OutboxEvent(id: id, type: type, taskID: taskID, createdAt: Date(millisecondsSince1970: created), body: body, endpoints: endpoints)
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

    public func events(taskID: String) async throws(StoreError) -> [EventRecord] {
        try await perform("read the events of task \(taskID)") { client, logger in
            var attempts: [String: [(endpoint: String, attempt: DeliveryAttempt)]] = [:]
            for try await (eventID, endpoint, at, status, error) in try await client.query("""
                SELECT a.event_id, a.endpoint, a.at, a.status, a.error FROM delivery_attempts a JOIN events e ON e.id = a.event_id
                WHERE e.task_id = \(taskID) ORDER BY a.id
                """, logger: logger).decode((String, String, Int64, Int64?, String?).self) {
                attempts[eventID, default: []].append((endpoint, DeliveryAttempt(
                    at: Date(millisecondsSince1970: at), status: status.map { Int(clamping: $0) }, error: error)))
            }
            var deliveries: [String: [Delivery]] = [:]
            for try await (eventID, endpoint, state, next) in try await client.query("""
                SELECT d.event_id, d.endpoint, d.state, d.next_attempt_at FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE e.task_id = \(taskID) ORDER BY d.position
                """, logger: logger).decode((String, String, String, Int64?).self) {
                deliveries[eventID, default: []].append(Delivery(
                    endpoint: endpoint, state: DeliveryState(rawValue: state) ?? .pending, nextAttemptAt: next.map(Date.init(millisecondsSince1970:)),
                    attempts: (attempts[eventID] ?? []).filter { $0.endpoint == endpoint }.map(\.attempt)))
            }
            var records: [EventRecord] = []
            for try await (id, type, created, body) in try await client.query("""
                SELECT id, type, created_at, body FROM events WHERE task_id = \(taskID) ORDER BY created_at, id
                """, logger: logger).decode((String, String, Int64, Data).self) {
                let mine = deliveries[id] ?? []
                records.append(EventRecord(
                    event: OutboxEvent(id: id, type: type, taskID: taskID, createdAt: Date(millisecondsSince1970: created), body: body,
                                       endpoints: mine.map(\.endpoint)),
                    deliveries: mine))
            }
            return records
        }
    }
}
