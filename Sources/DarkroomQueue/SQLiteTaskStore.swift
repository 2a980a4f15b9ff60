import DarkroomCore
import Foundation
import GRDB

/// The task store in one SQLite file (the embedded default), through GRDB: WAL, so readers never
/// wait for the writer, and `synchronous = FULL`, so a callback answered 200 survives a power cut
/// as well as a killed process. A database locked past `busyTimeout`, or a full disk, is
/// `StoreError.unavailable`. Callbacks arriving together are committed together (`GroupCommit`).
public final class SQLiteTaskStore: TaskStore {
    public let path: String
    private let pool: DatabasePool
    private let callbacks: GroupCommit

    public init(path: String, busyTimeout: TimeInterval = 5) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if try pool.read(Schema.migrator.hasBeenSuperseded) {
                throw StoreError(.failed, "cannot use \(path): \(Schema.newer(try pool.read(Schema.migrator.appliedIdentifiers)))")
            }
            try Schema.migrator.migrate(pool)
            callbacks = GroupCommit { [pool] batch throws(StoreError) in try await Self.record(batch, in: pool) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, "open \(path)")
        }
    }

    public func record(_ callback: ReceivedCallback) async throws(StoreError) -> (task: TaskRecord, outcome: CallbackPolicy.Outcome) {
        try await callbacks.record(callback)
    }

    /// Stores a batch of `GroupCommit` in one transaction.
    private static func record(_ batch: [ReceivedCallback], in pool: DatabasePool) async throws(StoreError) -> [GroupCommit.Stored] {
        do {
            return try await pool.write { db in try batch.map { try record($0, in: db) } }
        } catch {
            throw storeError(error, "store \(batch.count) callback(s)")
        }
    }

    /// Stores one callback and applies it to its task, inside a transaction of `GroupCommit`.
    static func record(_ callback: ReceivedCallback, in db: Database) throws -> (task: TaskRecord, outcome: CallbackPolicy.Outcome) {
        let event = callback.event
        try db.cachedStatement(
            sql: "INSERT INTO callbacks (task_id, received_at, status, status_spelling, updated_at, outcome, headers, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [event.taskID, milliseconds(callback.receivedAt), event.status.rawValue, event.statusSpelling,
                        event.updatedAt.map(milliseconds), CallbackPolicy.Outcome.applied.rawValue, json(callback.headers), callback.body])
        let callbackID = db.lastInsertedRowID
        let existing = try TaskRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM tasks WHERE id = ?"), arguments: [event.taskID])
        let (task, outcome) = CallbackPolicy.apply(event, tags: callback.tags, callbackID: callbackID, to: existing, now: callback.receivedAt)
        if outcome == .applied {
            try upsert(task, in: db)
            if let written = callback.eventToWrite(outcome: outcome, before: existing, after: task) { try insert(written, in: db) }
        } else {
            try db.execute(sql: "UPDATE callbacks SET outcome = ? WHERE id = ?", arguments: [outcome.rawValue, callbackID])
        }
        return (task, outcome)
    }

    /// Writes the whole task row with one prepared statement: the hot path of every callback, so
    /// not through the record encoder.
    static func upsert(_ task: TaskRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO tasks (id, state, status, message, shape, external_id, created_at, updated_at, tags, result_key,
                callback_id, last_error, attempts, next_attempt_at, lease_owner, lease_expires_at, folder, verdict, first_seen_at, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(Schema.replaceTaskOnConflict)
            """)
        try statement.execute(arguments: [
            task.id, task.state.rawValue, task.status.rawValue, task.message, task.shape.rawValue, task.externalID,
            task.createdAt.map(milliseconds), task.updatedAt.map(milliseconds), json(task.tags), task.resultKey,
            task.callbackID, task.lastError, task.attempts, task.nextAttemptAt.map(milliseconds), task.leaseOwner,
            task.leaseExpiresAt.map(milliseconds), task.folder, task.verdict?.rawValue, milliseconds(task.firstSeenAt),
            milliseconds(task.changedAt),
        ])
    }

    public func restore(_ index: TaskIndex, callback: ReceivedCallback) async throws(StoreError) -> Bool {
        try await write("restore task \(callback.event.taskID)") { db in
            let event = callback.event
            guard try TaskRecord.fetchOne(db, key: event.taskID) == nil else { return false }
            try db.execute(
                sql: "INSERT INTO callbacks (task_id, received_at, status, status_spelling, updated_at, outcome, headers, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [event.taskID, Self.milliseconds(callback.receivedAt), event.status.rawValue, event.statusSpelling,
                            event.updatedAt.map(Self.milliseconds), CallbackPolicy.Outcome.applied.rawValue, Self.json(callback.headers), callback.body])
            try Self.upsert(TaskRecord(restoring: index, event: event, callbackID: db.lastInsertedRowID), in: db)
            return true
        }
    }

    public func task(_ id: String) async throws(StoreError) -> TaskRecord? {
        try await read("read task \(id)") { db in try TaskRecord.fetchOne(db, key: id) }
    }

    public func history(_ id: String, after: Int64?, limit: Int) async throws(StoreError) -> HistoryPage {
        let limit = min(max(limit, 1), HistoryPage.maxLimit)
        let fetched = try await read("read the history of task \(id)") { db in
            try StoredCallback.filter(Column("task_id") == id && Column("id") > (after ?? 0))
                .order(Column("id")).limit(limit + 1).fetchAll(db)
        }
        return HistoryPage(fetched: fetched, limit: limit)
    }

    public func callback(_ id: Int64) async throws(StoreError) -> StoredCallback? {
        try await read("read callback \(id)") { db in try StoredCallback.fetchOne(db, key: id) }
    }

    public func tasks(_ query: TaskQuery) async throws(StoreError) -> TaskPage {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state = query.state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let verdict = query.verdict {
            conditions.append("verdict = ?")
            arguments += [verdict.rawValue]
        }
        if let tag = query.tag {
            // The key is bound as a value inside a quoted JSON path, never spliced into the SQL.
            conditions.append("json_extract(tags, '$.\"' || replace(?, '\"', '') || '\"') = ?")
            arguments += [tag.key, tag.value]
        }
        if let after = query.createdAfter {
            conditions.append("created_at > ?")
            arguments += [Self.milliseconds(after)]
        }
        if let before = query.createdBefore {
            conditions.append("created_at < ?")
            arguments += [Self.milliseconds(before)]
        }
        if let cursor = query.cursor {
            conditions.append("(first_seen_at < ? OR (first_seen_at = ? AND id < ?))")
            arguments += [cursor.firstSeenAt, cursor.firstSeenAt, cursor.id]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT * FROM tasks \(filter) ORDER BY first_seen_at DESC, id DESC LIMIT ?"
        let bound = arguments + [query.limit]
        let tasks = try await read("list tasks") { db in try TaskRecord.fetchAll(db, sql: sql, arguments: bound) }
        return TaskPage(tasks: tasks, limit: query.limit)
    }

    public func claim(owner: String, lease: Duration, now: Date) async throws(StoreError) -> Job? {
        try await write("claim a job") { db in
            let row = try Row.fetchOne(db, sql: """
                UPDATE tasks SET state = 'downloading', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, changed_at = ?
                WHERE id = (SELECT id FROM tasks WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1)
                RETURNING id, callback_id, attempts
                """, arguments: [owner, Self.milliseconds(now + lease.timeInterval), Self.milliseconds(now), Self.milliseconds(now)])
            guard let row, let callbackID: Int64 = row["callback_id"] else { return nil }
            return Job(taskID: row["id"], callbackID: callbackID, owner: owner, attempt: row["attempts"])
        }
    }

    public func startProcessing(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET state = 'processing', lease_expires_at = ?, changed_at = ?",
                         [Self.milliseconds(now + lease.timeInterval), Self.milliseconds(now)])
    }

    public func renew(_ job: Job, lease: Duration, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, "SET lease_expires_at = ?", [Self.milliseconds(now + lease.timeInterval)])
    }

    public func complete(_ job: Job, folder: String, verdict: Verdict, note: String?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'archived', folder = ?, verdict = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL,
                next_attempt_at = NULL, changed_at = ?
            """, [folder, verdict.rawValue, note, Self.milliseconds(now)], event: event)
    }

    public func fail(_ job: Job, error: String, retryAt: Date?, now: Date, event: OutboxEvent?) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = ?, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
            """, [retryAt == nil ? "failed" : "queued", error, retryAt.map(Self.milliseconds), Self.milliseconds(now)], event: event)
    }

    public func release(_ job: Job, retryAt: Date, note: String?, now: Date) async throws(StoreError) -> Bool {
        try await leased(job, """
            SET state = 'queued', attempts = attempts - 1, next_attempt_at = ?, last_error = COALESCE(?, last_error),
                lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
            """, [Self.milliseconds(retryAt), note, Self.milliseconds(now)])
    }

    public func reclaimExpired(
        now: Date, maxAttempts: Int, failureEvent: @escaping @Sendable (_ taskID: String, _ reason: String) -> OutboxEvent?
    ) async throws(StoreError) -> Int {
        let died = JobFailure.workerDied(attempts: maxAttempts)
        let events = failureEvent
        return try await write("reclaim expired leases") { db in
            let at = Self.milliseconds(now)
            let failing = try String.fetchAll(db, sql: """
                SELECT id FROM tasks WHERE state IN ('downloading', 'processing') AND lease_expires_at < ? AND attempts >= ?
                """, arguments: [at, maxAttempts])
            try db.execute(sql: """
                UPDATE tasks SET state = 'failed', last_error = ?, next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                    changed_at = ?
                WHERE state IN ('downloading', 'processing') AND lease_expires_at < ? AND attempts >= ?
                """, arguments: [died, at, at, maxAttempts])
            let failed = db.changesCount
            for id in failing {
                if let event = events(id, died) { try Self.insert(event, in: db) }
            }
            try db.execute(sql: """
                UPDATE tasks SET state = 'queued', next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, changed_at = ?
                WHERE state IN ('downloading', 'processing') AND lease_expires_at < ?
                """, arguments: [at, at, at])
            return failed + db.changesCount
        }
    }

    public func retry(_ id: String, now: Date) async throws(StoreError) -> (task: TaskRecord, retried: Bool)? {
        try await write("retry task \(id)") { db in
            try db.execute(sql: """
                UPDATE tasks SET state = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL, changed_at = ?
                WHERE id = ? AND state = 'failed' AND callback_id IS NOT NULL
                """, arguments: [Self.milliseconds(now), Self.milliseconds(now), id])
            let retried = db.changesCount == 1
            return try TaskRecord.fetchOne(db, key: id).map { ($0, retried) }
        }
    }

    public func countByState() async throws(StoreError) -> [TaskState: Int] {
        try await read("count tasks") { db in
            var counts: [TaskState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM tasks GROUP BY state") {
                if let state = TaskState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func checkWritable() async throws(StoreError) {
        do {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch {
            throw Self.storeError(error, "take the write lock")
        }
    }

    // MARK: Plumbing

    /// An update of the job's task that applies only while `job` still holds its lease, with
    /// `event` written in the same transaction when it applied.
    private func leased(_ job: Job, _ set: String, _ arguments: StatementArguments, event: OutboxEvent? = nil) async throws(StoreError) -> Bool {
        try await write("update the job of task \(job.taskID)") { db in
            try db.execute(sql: "UPDATE tasks \(set) WHERE id = ? AND lease_owner = ? AND callback_id = ?",
                           arguments: arguments + [job.taskID, job.owner, job.callbackID])
            guard db.changesCount == 1 else { return false }
            if let event { try Self.insert(event, in: db) }
            return true
        }
    }

    func write<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.storeError(error, what)
        }
    }

    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storeError(error, what)
        }
    }

    static func storeError(_ error: any Error, _ what: String) -> StoreError {
        guard let error = error as? DatabaseError else { return StoreError(.failed, "\(what): \(error)") }
        let transient: [ResultCode] = [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR]
        let kind: StoreError.Kind = transient.contains(error.resultCode) ? .unavailable : .failed
        return StoreError(kind, "\(what): \(error.message ?? "\(error.resultCode)")")
    }

    static func milliseconds(_ date: Date) -> Int64 {
        date.millisecondsSince1970
    }

    /// Tags and headers as JSON text. Runs on the writer's thread for every callback, so through
    /// `JSONEncoder`, not `JSONSerialization`: 3 µs a dictionary against 15 (its `NSDictionary`
    /// bridging), which was a sixteenth of the server's time in the load benchmark.
    private static func json(_ value: [String: String]) -> String {
        guard !value.isEmpty, let data = try? jsonEncoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static let jsonEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
