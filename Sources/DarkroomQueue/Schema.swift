import GRDB

/// The task store's tables, created and upgraded by GRDB's migrator: `tasks` (one row per task,
/// its archive job included), `callbacks` (every callback received, raw body and outcome), and
/// the outbox: `events`, their `deliveries` (one per endpoint) and every `delivery_attempts`;
/// and `polls` (a task polled at its provider, with its lease). Since v5 a task is keyed by its
/// provider and its id; the tasks of earlier versions were all Kling's.
/// The versions are those of the PostgreSQL store (`PostgresSchema`): "v1" is its version 1, and
/// so on. A file that a newer darkroom migrated holds versions this one does not know: refused.
enum Schema {
    /// How an upsert of a whole task row replaces the row it meets, in both stores' SQL: every
    /// column but the key and the time Darkroom first saw the task.
    static let replaceTaskOnConflict = """
        ON CONFLICT (provider, id) DO UPDATE SET state = excluded.state, status = excluded.status, message = excluded.message,
            shape = excluded.shape, external_id = excluded.external_id, created_at = excluded.created_at,
            updated_at = excluded.updated_at, tags = excluded.tags, result_key = excluded.result_key,
            callback_id = excluded.callback_id, last_error = excluded.last_error, attempts = excluded.attempts,
            next_attempt_at = excluded.next_attempt_at, lease_owner = excluded.lease_owner,
            lease_expires_at = excluded.lease_expires_at, folder = excluded.folder, verdict = excluded.verdict,
            changed_at = excluded.changed_at
        """

    static func newer(_ applied: Set<String>) -> String {
        let unknown = applied.subtracting(migrator.migrations).sorted()
        return "the database holds schema versions this darkroom does not know (\(unknown.joined(separator: ", "))): it was upgraded by a newer darkroom; run that one"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE tasks (
                    id TEXT PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL,
                    status TEXT NOT NULL,
                    message TEXT NOT NULL,
                    shape TEXT NOT NULL,
                    external_id TEXT,
                    created_at INTEGER,
                    updated_at INTEGER,
                    tags TEXT NOT NULL,
                    result_key TEXT,
                    callback_id INTEGER,
                    last_error TEXT,
                    attempts INTEGER NOT NULL,
                    next_attempt_at INTEGER,
                    lease_owner TEXT,
                    lease_expires_at INTEGER,
                    folder TEXT,
                    verdict TEXT,
                    first_seen_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL
                );
                CREATE INDEX tasks_due ON tasks(state, next_attempt_at);
                CREATE INDEX tasks_changed ON tasks(changed_at);
                CREATE TABLE callbacks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    task_id TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    status_spelling TEXT NOT NULL,
                    updated_at INTEGER,
                    outcome TEXT NOT NULL,
                    headers TEXT NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX callbacks_task ON callbacks(task_id, id);
                """)
        }
        migrator.registerMigration("v2: the task list's order") { db in
            try db.execute(sql: "CREATE INDEX tasks_listing ON tasks(first_seen_at DESC, id DESC)")
        }
        migrator.registerMigration("v3: the outbox") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX events_task ON events(task_id, created_at);
                CREATE TABLE deliveries (
                    event_id TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    state TEXT NOT NULL,
                    tries INTEGER NOT NULL,
                    next_attempt_at INTEGER,
                    lease_owner TEXT,
                    lease_expires_at INTEGER,
                    PRIMARY KEY (event_id, endpoint)
                );
                CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
                CREATE TABLE delivery_attempts (
                    event_id TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    status INTEGER,
                    error TEXT
                );
                CREATE INDEX delivery_attempts_event ON delivery_attempts(event_id);
                """)
        }
        migrator.registerMigration("v4: polls") { db in
            try db.execute(sql: """
                CREATE TABLE polls (
                    task_id TEXT PRIMARY KEY NOT NULL,
                    action TEXT,
                    url TEXT,
                    tries INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at INTEGER
                );
                CREATE INDEX polls_due ON polls(due_at);
                CREATE INDEX tasks_waiting ON tasks(state, changed_at);
                """)
        }
        migrator.registerMigration("v5: tasks keyed by provider and id") { db in
            // SQLite cannot change a primary key in place: the keyed tables are copied.
            let columns = """
                id, state, status, message, shape, external_id, created_at, updated_at, tags, result_key, callback_id, last_error,
                attempts, next_attempt_at, lease_owner, lease_expires_at, folder, verdict, first_seen_at, changed_at
                """
            try db.execute(sql: """
                CREATE TABLE tasks_v5 (
                    provider TEXT NOT NULL,
                    id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    status TEXT NOT NULL,
                    message TEXT NOT NULL,
                    shape TEXT NOT NULL,
                    external_id TEXT,
                    created_at INTEGER,
                    updated_at INTEGER,
                    tags TEXT NOT NULL,
                    result_key TEXT,
                    callback_id INTEGER,
                    last_error TEXT,
                    attempts INTEGER NOT NULL,
                    next_attempt_at INTEGER,
                    lease_owner TEXT,
                    lease_expires_at INTEGER,
                    folder TEXT,
                    verdict TEXT,
                    first_seen_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL,
                    PRIMARY KEY (provider, id)
                );
                INSERT INTO tasks_v5 (provider, \(columns)) SELECT 'kling', \(columns) FROM tasks;
                DROP TABLE tasks;
                ALTER TABLE tasks_v5 RENAME TO tasks;
                CREATE INDEX tasks_due ON tasks(state, next_attempt_at);
                CREATE INDEX tasks_changed ON tasks(changed_at);
                CREATE INDEX tasks_listing ON tasks(first_seen_at DESC, provider DESC, id DESC);
                CREATE INDEX tasks_waiting ON tasks(state, changed_at);

                CREATE TABLE polls_v5 (
                    provider TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    action TEXT,
                    url TEXT,
                    tries INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at INTEGER,
                    PRIMARY KEY (provider, task_id)
                );
                INSERT INTO polls_v5 SELECT 'kling', task_id, action, url, tries, due_at, lease_owner, lease_expires_at FROM polls;
                DROP TABLE polls;
                ALTER TABLE polls_v5 RENAME TO polls;
                CREATE INDEX polls_due ON polls(due_at);

                ALTER TABLE callbacks ADD COLUMN provider TEXT NOT NULL DEFAULT 'kling';
                DROP INDEX callbacks_task;
                CREATE INDEX callbacks_task ON callbacks(provider, task_id, id);
                ALTER TABLE events ADD COLUMN provider TEXT NOT NULL DEFAULT 'kling';
                DROP INDEX events_task;
                CREATE INDEX events_task ON events(provider, task_id, created_at);
                """)
        }
        return migrator
    }
}
