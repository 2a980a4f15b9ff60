import PostgresNIO

/// The statements of `PostgresCallbackBatch` whose plan cannot depend on a table's size,
/// prepared once per connection: the server then parses and plans them once, where an unnamed
/// statement is planned on every batch (measured: planning took about as long as running them,
/// and the batch is what limits the callbacks a second).
///
/// The read of the batch's tasks is not one of them: prepared, the server reuses a plan made
/// while the table was small (a scan of the whole table; measured, a read took 4.7 ms instead of
/// 0.13). Nor is it part of the lock's statement: a statement sees the rows committed before it
/// started, so a read in the statement that waited for a task's lock could miss the task that
/// the lock's holder inserted meanwhile.
enum PostgresBatchStatements {
    /// Takes the batch's task locks, in one order, then the callbacks' ids.
    struct LockAndNumber: PostgresPreparedStatement {
        static let name = "darkroom_batch_lock"
        static let sql = """
            WITH locked AS MATERIALIZED (
                SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (
                    SELECT DISTINCT hashtextextended(p || ':' || t, 0) AS k FROM unnest($1::text[], $2::text[]) AS u(p, t)
                    ORDER BY 1) AS keys) AS taken)
            SELECT nextval('callbacks_id_seq') FROM locked, generate_series(1, $3::integer)
            """
        typealias Row = Int64

        let providers: [String]
        let ids: [String]
        let callbacks: Int

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(providers)
            bindings.append(ids)
            bindings.append(Int32(clamping: callbacks))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 {
            try row.decode(Int64.self)
        }
    }

    /// Writes the callbacks and the changed tasks (`PostgresRows.json`), and rings the job
    /// doorbell when `queued` (sent at commit).
    struct Write: PostgresPreparedStatement {
        static let name = "darkroom_batch_write"
        static let sql = """
            WITH stored AS (
                INSERT INTO callbacks (id, provider, task_id, received_at, status, status_spelling, updated_at, outcome, headers, body)
                SELECT id, provider, task_id, received_at, status, status_spelling, updated_at, outcome, headers, decode(body, 'base64')
                FROM jsonb_to_recordset($1::jsonb) \(PostgresRows.callbackRecordColumns)),
            written AS (
                \(PostgresCallbackBatch.upsertSQL)
                FROM jsonb_to_recordset($2::jsonb) \(PostgresRows.taskRecordColumns)
                \(Schema.replaceTaskOnConflict))
            SELECT pg_notify('\(PostgresCallbackBatch.jobChannel)', '') WHERE $3::boolean
            """
        typealias Row = Void

        let callbacks: String
        let tasks: String
        let queued: Bool

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(callbacks)
            bindings.append(tasks)
            bindings.append(queued)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }
}
