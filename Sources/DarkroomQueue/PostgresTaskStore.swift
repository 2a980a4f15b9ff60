import DarkroomCore
import Foundation
import Logging
import PostgresNIO

/// The task store on PostgreSQL, for many darkroom processes on one database: the same rules as
/// `SQLiteTaskStore` (`CallbackPolicy`, the same lease conditions), with jobs claimed by
/// `FOR UPDATE SKIP LOCKED` so that workers of many processes never wait on each other nor take
/// the same job, and a NOTIFY on `darkroom_jobs` whenever a job is queued, so that a worker of
/// another process starts at once (`run(jobQueued:)` listens).
///
/// Every operation waits at most `timeout` for the database (a connection from the bounded pool
/// included); past it, or when the server cannot be reached, it fails `unavailable`, which the
/// API answers 503 with `Retry-After`. The pool reconnects by itself once the server is back.
/// `run(jobQueued:)` must be running while the store is used: it runs the pool.
public final class PostgresTaskStore: TaskStore {
    public let address: PostgresAddress
    private let client: PostgresClient
    private let timeout: Duration
    private let logger: Logger
    private let callbacks: GroupCommit

    /// Migrates the database (`PostgresSchema`) through one connection of its own, then makes
    /// the pool of at most `connections`.
    public static func open(
        _ address: PostgresAddress, connections: Int = 10, timeout: Duration = .seconds(5), logger: Logger
    ) async throws(StoreError) -> PostgresTaskStore {
        let connector = PostgresConnector(address: address, connections: max(2, connections), timeout: timeout)
        do {
            let connection = try await connector.connect(logger: logger)
            let applied: [Int]
            do {
                applied = try await PostgresSchema.migrate(connection, logger: logger)
                try? await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
            if !applied.isEmpty {
                logger.notice("migrated the task store at \(address) to schema version \(PostgresSchema.latest) (applied \(applied.map(String.init).joined(separator: ", ")))")
            }
        } catch let error as PostgresSchema.NewerSchema {
            throw StoreError(.failed, "cannot use \(address): \(error)")
        } catch {
            throw PostgresFailure.storeError(error, "open the task store", address: address)
        }
        return PostgresTaskStore(address: address, client: PostgresClient(configuration: connector.clientConfiguration(), backgroundLogger: logger),
                                 timeout: timeout, writers: min(2, max(1, connections / 2)), logger: logger)
    }

    /// `writers`: batches of callbacks committed at once by this process (the per-task locks keep
    /// them apart). A second one overlaps a batch's round trips with the next; more make every
    /// batch smaller, and each batch has a cost of its own on top of its callbacks', the more so
    /// when several processes share the database. Measured (docs/database.md): 2 took about 10 %
    /// more than 1 alone; 4 took a little more again alone, but two processes of 4 each took a
    /// fifth less than one process. The second starts only once as many callbacks wait as the
    /// first holds (`GroupCommit.wantsWriter`).
    private init(address: PostgresAddress, client: PostgresClient, timeout: Duration, writers: Int, logger: Logger) {
        self.address = address
        self.client = client
        self.timeout = timeout
        self.logger = logger
        callbacks = GroupCommit(concurrency: writers) { batch throws(StoreError) in
            do {
                return try await Self.within(timeout) {
                    try await client.withTransaction(logger: logger) { connection in
                        try await PostgresCallbackBatch.write(batch, on: connection, logger: logger)
                    }
                }
            } catch {
                throw PostgresFailure.storeError(error, "store \(batch.count) callback(s)", address: address)
            }
        }
    }

    /// Runs the connection pool, and a listener that calls `jobQueued` for each job another
    /// process (or this one) queues, until the task is cancelled. The listener reconnects after a
    /// lost connection, and calls `jobQueued` once when it (re)connects, for jobs queued meanwhile.
    public func run(jobQueued: @escaping @Sendable () -> Void) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listen(jobQueued) }
        }
    }

    private func listen(_ jobQueued: @escaping @Sendable () -> Void) async {
        var pause = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresCallbackBatch.jobChannel) { notifications in
                        pause = .milliseconds(100)
                        jobQueued()
                        for try await _ in notifications { jobQueued() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("not listening for jobs of other processes (retrying in \(pause)): \(PostgresFailure.storeError(error, "listen", address: address))")
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }

    // MARK: Callbacks and tasks

    public func record(_ callback: ReceivedCallback) async throws(StoreError) -> (task: TaskRecord, outcome: CallbackPolicy.Outcome) {
        try await callbacks.record(callback)
    }

    public func restore(_ index: TaskIndex, callback: ReceivedCallback) async throws(StoreError) -> Bool {
        let key = callback.event.key
        return try await perform("restore task \(key)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key.provider + ":" + key.id), 0))", logger: logger)
                for try await _ in try await connection.query(
                    "SELECT 1 FROM tasks WHERE provider = \(key.provider) AND id = \(key.id)", logger: logger) { return false }
                var callbackID: Int64?
                for try await value in try await connection.query("SELECT nextval('callbacks_id_seq')", logger: logger).decode(Int64.self) {
                    callbackID = value
                }
                guard let callbackID else { throw PostgresRows.UnreadableRow(what: "the callback's id") }
                try await connection.query("""
                    INSERT INTO callbacks (id, provider, task_id, received_at, status, status_spelling, updated_at, outcome, headers, body)
                    SELECT id, provider, task_id, received_at, status, status_spelling, updated_at, outcome, headers, decode(body, 'base64')
                    FROM jsonb_to_recordset(\(PostgresRows.json([(callbackID, callback, .applied)]))::jsonb)
                        \(unescaped: PostgresRows.callbackRecordColumns)
                    """, logger: logger)
                try await PostgresCallbackBatch.upsert(
                    [TaskRecord(restoring: index, event: callback.event, callbackID: callbackID)], on: connection, logger: logger)
                return true
            }
        }
    }

    public func task(_ key: TaskKey) async throws(StoreError) -> TaskRecord? {
        try await tasks(where: "SELECT \(unescaped: PostgresRows.taskColumns) FROM tasks WHERE provider = \(key.provider) AND id = \(key.id)",
                        "read task \(key)").first
    }

    public func history(_ key: TaskKey, after: Int64?, limit: Int) async throws(StoreError) -> HistoryPage {
        let limit = min(max(limit, 1), HistoryPage.maxLimit)
        let fetched = try await perform("read the history of task \(key)") { client, logger in
            var callbacks: [StoredCallback] = []
            for try await row in try await client.query("""
                SELECT \(unescaped: PostgresRows.callbackColumns) FROM callbacks
                WHERE provider = \(key.provider) AND task_id = \(key.id) AND id > \(after ?? 0)
                ORDER BY id LIMIT \(limit + 1)
                """, logger: logger) {
                callbacks.append(try PostgresRows.callback(row))
            }
            return callbacks
        }
        return HistoryPage(fetched: fetched, limit: limit)
    }

    public func callback(_ id: Int64) async throws(StoreError) -> StoredCallback? {
        try await perform("read callback \(id)") { client, logger in
            for try await row in try await client.query(
                "SELECT \(unescaped: PostgresRows.callbackColumns) FROM callbacks WHERE id = \(id)", logger: logger) {
                return try PostgresRows.callback(row)
            }
            return nil
        }
    }

    public func tasks(_ query: TaskQuery) async throws(StoreError) -> TaskPage {
        TaskPage(tasks: try await tasks(where: PostgresTaskFilter.query(query), "list tasks"), limit: query.limit)
    }

    public func countByState() async throws(StoreError) -> [TaskState: Int] {
        try await perform("count tasks") { client, logger in
            var counts: [TaskState: Int] = [:]
            for try await (state, count) in try await client.query("SELECT state, COUNT(*) FROM tasks GROUP BY state", logger: logger)
                .decode((String, Int64).self) {
                if let state = TaskState(rawValue: state) { counts[state] = Int(clamping: count) }
            }
            return counts
        }
    }

    /// A callback can be stored when a connection answers and the server takes writes (a
    /// standby in recovery does not).
    public func checkWritable() async throws(StoreError) {
        let writable = try await perform("check that the database takes writes") { client, logger in
            for try await writable in try await client.query(
                "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'", logger: logger).decode(Bool.self) {
                return writable
            }
            return false
        }
        if !writable { throw StoreError(.unavailable, "the database at \(address) takes no writes (read-only, or a standby)") }
    }

    // MARK: Plumbing

    /// An update of the job's task that applies only while `job` still holds its lease.
    func leased(_ job: Job, _ set: PostgresQuery, notify: Bool = false, event: OutboxEvent? = nil) async throws(StoreError) -> Bool {
        var query = set
        let n = set.binds.count
        query.sql = "UPDATE tasks \(set.sql) WHERE provider = $\(n + 1) AND id = $\(n + 2) AND lease_owner = $\(n + 3) AND callback_id = $\(n + 4) RETURNING id"
        query.binds.append(job.task.provider)
        query.binds.append(job.task.id)
        query.binds.append(job.owner)
        query.binds.append(job.callbackID)
        let statement = query
        return try await perform("update the job of task \(job.task)") { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                var changed = false
                for try await _ in try await connection.query(statement, logger: logger) { changed = true }
                if changed && notify { try await Self.notify(connection, logger: logger) }
                if changed, let event { try await Self.insert(event, connection, logger: logger) }
                return changed
            }
        }
    }

    static func notify(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(PostgresCallbackBatch.jobChannel), '')", logger: logger)
    }

    private func tasks(where query: PostgresQuery, _ what: String) async throws(StoreError) -> [TaskRecord] {
        try await perform(what) { client, logger in
            var tasks: [TaskRecord] = []
            for try await row in try await client.query(query, logger: logger) { tasks.append(try PostgresRows.task(row)) }
            return tasks
        }
    }

    func perform<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T
    ) async throws(StoreError) -> T {
        let (client, logger) = (self.client, self.logger)
        do {
            return try await Self.within(timeout) { try await body(client, logger) }
        } catch {
            throw PostgresFailure.storeError(error, what, address: address)
        }
    }

    /// `body`'s result, or `StoreError.unavailable` when it takes longer than `timeout`.
    private static func within<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Raced<T>.self) { group in
            group.addTask { .value(try await body()) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            guard case .value(let value)? = try await group.next() else {
                throw StoreError(.unavailable, "no answer from the database within \(timeout)")
            }
            return value
        }
    }

    private enum Raced<T: Sendable>: Sendable {
        case value(T)
        case timedOut
    }
}
