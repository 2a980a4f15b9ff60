import DarkroomCore
import Foundation
import PostgresNIO

/// How the PostgreSQL store's rows map to the Core types, as in SQLite: times as integer
/// milliseconds (UTC), tags and headers as JSON, bodies as bytes. Rows are written in batches as
/// one JSON document (`jsonb_to_recordset`), so that a batch of callbacks costs the same few round
/// trips whatever its size.
enum PostgresRows {
    static let taskColumns = """
        provider, id, state, status, message, shape, external_id, created_at, updated_at, tags::text, result_key, callback_id, last_error,
        attempts, next_attempt_at, lease_owner, lease_expires_at, folder, verdict, first_seen_at, changed_at
        """

    static let callbackColumns = "id, provider, task_id, received_at, status, status_spelling, updated_at, outcome, headers::text, body"

    static func task(_ row: PostgresRow) throws -> TaskRecord {
        let (provider, id, state, status, message, shape, externalID, createdAt, updatedAt, tags, resultKey, callbackID, lastError,
             attempts, nextAttemptAt, leaseOwner, leaseExpiresAt, folder, verdict, firstSeenAt, changedAt) = try row.decode(
            (String, String, String, String, String, String, String?, Int64?, Int64?, String, String?, Int64?, String?,
             Int64, Int64?, String?, Int64?, String?, String?, Int64, Int64).self)
        guard let state = TaskState(rawValue: state), let status = TaskStatus(rawValue: status), let shape = CallbackShape(rawValue: shape)
        else { throw UnreadableRow(what: "task \(id)") }
        var task = TaskRecord(
            event: CallbackEvent(provider: provider, taskID: id, shape: shape, status: status, statusSpelling: status.rawValue, message: message),
            tags: try dictionary(tags, "the tags of task \(id)"), now: date(firstSeenAt))
        task.state = state
        task.externalID = externalID
        task.createdAt = createdAt.map(date)
        task.updatedAt = updatedAt.map(date)
        task.resultKey = resultKey
        task.callbackID = callbackID
        task.lastError = lastError
        task.attempts = Int(clamping: attempts)
        task.nextAttemptAt = nextAttemptAt.map(date)
        task.leaseOwner = leaseOwner
        task.leaseExpiresAt = leaseExpiresAt.map(date)
        task.folder = folder
        if let verdict {
            guard let known = Verdict(rawValue: verdict) else { throw UnreadableRow(what: "the verdict of task \(id)") }
            task.verdict = known
        }
        task.changedAt = date(changedAt)
        return task
    }

    static func callback(_ row: PostgresRow) throws -> StoredCallback {
        let (id, provider, taskID, receivedAt, status, spelling, updatedAt, outcome, headers, body) = try row.decode(
            (Int64, String, String, Int64, String, String, Int64?, String, String, Data).self)
        guard let status = TaskStatus(rawValue: status), let outcome = CallbackPolicy.Outcome(rawValue: outcome)
        else { throw UnreadableRow(what: "callback \(id)") }
        return StoredCallback(
            id: id, provider: provider, taskID: taskID, receivedAt: date(receivedAt), status: status, statusSpelling: spelling,
            updatedAt: updatedAt.map(date), outcome: outcome, headers: try dictionary(headers, "the headers of callback \(id)"), body: body)
    }

    /// Tasks as rows of `jsonb_to_recordset`, with `taskRecordColumns`.
    static func json(_ tasks: [TaskRecord]) -> String {
        var rows = RecordsetJSON()
        for task in tasks {
            rows.row([
                "provider": .text(task.provider), "id": .text(task.id), "state": .text(task.state.rawValue), "status": .text(task.status.rawValue),
                "message": .text(task.message), "shape": .text(task.shape.rawValue), "external_id": .text(task.externalID),
                "created_at": .integer(task.createdAt?.millisecondsSince1970), "updated_at": .integer(task.updatedAt?.millisecondsSince1970),
                "tags": .object(task.tags), "result_key": .text(task.resultKey), "callback_id": .integer(task.callbackID),
                "last_error": .text(task.lastError), "attempts": .integer(Int64(task.attempts)),
                "next_attempt_at": .integer(task.nextAttemptAt?.millisecondsSince1970), "lease_owner": .text(task.leaseOwner),
                "lease_expires_at": .integer(task.leaseExpiresAt?.millisecondsSince1970), "folder": .text(task.folder),
                "verdict": .text(task.verdict?.rawValue), "first_seen_at": .integer(task.firstSeenAt.millisecondsSince1970),
                "changed_at": .integer(task.changedAt.millisecondsSince1970),
            ])
        }
        return rows.document
    }

    /// The columns of `jsonb_to_recordset(…)` for `TaskRow`s.
    static let taskRecordColumns = """
        AS r(provider text, id text, state text, status text, message text, shape text, external_id text,
            created_at bigint, updated_at bigint, tags jsonb, result_key text, callback_id bigint, last_error text, attempts bigint,
            next_attempt_at bigint, lease_owner text, lease_expires_at bigint, folder text, verdict text, first_seen_at bigint,
            changed_at bigint)
        """

    /// Callbacks, each with its id and outcome, as rows of `jsonb_to_recordset`, with
    /// `callbackRecordColumns`; the body in Base64.
    static func json(_ callbacks: [(id: Int64, callback: ReceivedCallback, outcome: CallbackPolicy.Outcome)]) -> String {
        var rows = RecordsetJSON()
        for (id, callback, outcome) in callbacks {
            let event = callback.event
            rows.row([
                "id": .integer(id), "provider": .text(event.provider), "task_id": .text(event.taskID), "received_at": .integer(callback.receivedAt.millisecondsSince1970),
                "status": .text(event.status.rawValue), "status_spelling": .text(event.statusSpelling),
                "updated_at": .integer(event.updatedAt?.millisecondsSince1970), "outcome": .text(outcome.rawValue),
                "headers": .object(callback.headers), "body": .bytes(callback.body),
            ])
        }
        return rows.document
    }

    /// The columns of `jsonb_to_recordset(…)` for `CallbackRow`s.
    static let callbackRecordColumns = """
        AS r(id bigint, provider text, task_id text, received_at bigint, status text, status_spelling text,
            updated_at bigint, outcome text, headers jsonb, body text)
        """

    struct UnreadableRow: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(what) holds a value this darkroom does not know" }
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(millisecondsSince1970: milliseconds)
    }

    private static func dictionary(_ json: String, _ what: String) throws -> [String: String] {
        guard let value = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else { throw UnreadableRow(what: what) }
        return value
    }
}
