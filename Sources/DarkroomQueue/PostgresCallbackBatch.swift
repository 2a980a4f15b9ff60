import DarkroomCore
import Foundation
import Logging
import PostgresNIO

/// Stores a batch of callbacks in one transaction, in a fixed number of round trips whatever the
/// batch's size (`PostgresBatchStatements`): lock the batch's tasks and take the callbacks' ids,
/// read the tasks, apply each callback (`CallbackPolicy`, in arrival order, a later callback of a
/// task seeing the earlier one's change), then write the callbacks and the changed tasks, and
/// ring the other processes' doorbell when a job was queued, in one statement (NOTIFY is sent at
/// commit, never for a rolled-back batch).
///
/// The tasks are locked with transaction-scoped advisory locks (on `provider:id`: a provider's
/// name holds no colon, so no two keys share a text) taken in one order, so that two
/// batches storing callbacks of the same task apply them one after the other (each reads what
/// the other committed), and two batches never wait on each other in a cycle. Their rows are
/// read `FOR UPDATE`: a worker's write of the same task (a claim skips it, a lease update waits)
/// is then judged against what the batch wrote, never overwritten by the batch's older read.
enum PostgresCallbackBatch {
    static let jobChannel = "darkroom_jobs"

    static func write(
        _ callbacks: [ReceivedCallback], on connection: PostgresConnection, logger: Logger
    ) async throws -> [(task: TaskRecord, outcome: CallbackPolicy.Outcome)] {
        let keys = Array(Set(callbacks.map(\.event.key)))
        let providers = keys.map(\.provider)
        let taskIDs = keys.map(\.id)
        var ids: [Int64] = []
        for try await id in try await connection.execute(
            PostgresBatchStatements.LockAndNumber(providers: providers, ids: taskIDs, callbacks: callbacks.count), logger: logger) {
            ids.append(id)
        }
        guard ids.count == callbacks.count else { throw PostgresRows.UnreadableRow(what: "the callbacks' ids") }
        var tasks: [TaskKey: TaskRecord] = [:]
        for try await row in try await connection.query("""
            SELECT \(unescaped: PostgresRows.taskColumns) FROM tasks
            WHERE (provider, id) IN (SELECT * FROM unnest(\(providers)::text[], \(taskIDs)::text[])) FOR UPDATE
            """, logger: logger) {
            let task = try PostgresRows.task(row)
            tasks[task.key] = task
        }

        var results: [(task: TaskRecord, outcome: CallbackPolicy.Outcome)] = []
        var stored: [(id: Int64, callback: ReceivedCallback, outcome: CallbackPolicy.Outcome)] = []
        var changed: [TaskKey: TaskRecord] = [:]
        var queued = false
        var events: [OutboxEvent] = []
        for (callback, id) in zip(callbacks, ids) {
            let event = callback.event
            let (task, outcome) = CallbackPolicy.apply(event, tags: callback.tags, callbackID: id, to: tasks[event.key], now: callback.receivedAt)
            if let written = callback.eventToWrite(outcome: outcome, before: tasks[event.key], after: task) { events.append(written) }
            if outcome == .applied {
                tasks[task.key] = task
                changed[task.key] = task
                if task.state == .queued { queued = true }
            }
            stored.append((id, callback, outcome))
            results.append((task, outcome))
        }
        for try await _ in try await connection.execute(
            PostgresBatchStatements.Write(callbacks: PostgresRows.json(stored), tasks: PostgresRows.json(Array(changed.values)), queued: queued),
            logger: logger) {}
        for event in events { try await PostgresTaskStore.insert(event, connection, logger: logger) }
        return results
    }

    /// Writes whole task rows, inserted or replaced.
    static func upsert(_ tasks: [TaskRecord], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            \(unescaped: upsertSQL)
            FROM jsonb_to_recordset(\(PostgresRows.json(tasks))::jsonb) \(unescaped: PostgresRows.taskRecordColumns)
            \(unescaped: Schema.replaceTaskOnConflict)
            """, logger: logger)
    }

    /// Inserts the task unless the store has one by its key; true when it did.
    static func insertIfNew(_ task: TaskRecord, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await _ in try await connection.query("""
            \(unescaped: upsertSQL)
            FROM jsonb_to_recordset(\(PostgresRows.json([task]))::jsonb) \(unescaped: PostgresRows.taskRecordColumns)
            ON CONFLICT (provider, id) DO NOTHING RETURNING id
            """, logger: logger) {
            return true
        }
        return false
    }

    /// `upsertSQL FROM <rows> Schema.replaceTaskOnConflict` inserts or replaces whole task rows.
    static let upsertSQL = """
        INSERT INTO tasks (provider, id, state, status, message, shape, external_id, created_at, updated_at, tags, result_key, callback_id,
            last_error, attempts, next_attempt_at, lease_owner, lease_expires_at, folder, verdict, first_seen_at, changed_at)
        SELECT provider, id, state, status, message, shape, external_id, created_at, updated_at, tags, result_key, callback_id,
            last_error, attempts, next_attempt_at, lease_owner, lease_expires_at, folder, verdict, first_seen_at, changed_at
        """
}
