import Logging
import PostgresNIO

/// The PostgreSQL store's tables, in numbered versions that match the SQLite store's (`Schema`):
/// version 1 the tables, version 2 the task list's index, version 3 the outbox, version 4 the polls,
/// version 5 tasks keyed by provider and id (the tasks before it were all Kling's). Applied at start under an advisory
/// lock, so that of ten processes starting together on an empty database one migrates and the
/// others find it done; recorded in `darkroom_schema`. A database at a version this binary does
/// not know was migrated by a newer darkroom: refused, since this one would misread it.
enum PostgresSchema {
    static let migrations: [(version: Int, name: String, sql: [PostgresQuery])] = [
        (1, "tasks and callbacks", [
            """
            CREATE TABLE tasks (
                id TEXT COLLATE "C" PRIMARY KEY,
                state TEXT NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL,
                shape TEXT NOT NULL,
                external_id TEXT,
                created_at BIGINT,
                updated_at BIGINT,
                tags JSONB NOT NULL,
                result_key TEXT,
                callback_id BIGINT,
                last_error TEXT,
                attempts BIGINT NOT NULL,
                next_attempt_at BIGINT,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                folder TEXT,
                verdict TEXT,
                first_seen_at BIGINT NOT NULL,
                changed_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX tasks_due ON tasks (state, next_attempt_at)",
            "CREATE INDEX tasks_changed ON tasks (changed_at)",
            """
            CREATE TABLE callbacks (
                id BIGSERIAL PRIMARY KEY,
                task_id TEXT COLLATE "C" NOT NULL,
                received_at BIGINT NOT NULL,
                status TEXT NOT NULL,
                status_spelling TEXT NOT NULL,
                updated_at BIGINT,
                outcome TEXT NOT NULL,
                headers JSONB NOT NULL,
                body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX callbacks_task ON callbacks (task_id, id)",
        ]),
        (2, "the task list's order", ["CREATE INDEX tasks_listing ON tasks (first_seen_at DESC, id DESC)"]),
        (3, "the outbox", [
            """
            CREATE TABLE events (
                seq BIGSERIAL UNIQUE,
                id TEXT COLLATE "C" PRIMARY KEY,
                type TEXT NOT NULL,
                task_id TEXT COLLATE "C" NOT NULL,
                created_at BIGINT NOT NULL,
                body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX events_task ON events (task_id, created_at)",
            """
            CREATE TABLE deliveries (
                event_id TEXT COLLATE "C" NOT NULL,
                endpoint TEXT NOT NULL,
                position BIGINT NOT NULL,
                state TEXT NOT NULL,
                tries BIGINT NOT NULL,
                next_attempt_at BIGINT,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                PRIMARY KEY (event_id, endpoint)
            )
            """,
            "CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at)",
            """
            CREATE TABLE delivery_attempts (
                id BIGSERIAL PRIMARY KEY,
                event_id TEXT COLLATE "C" NOT NULL,
                endpoint TEXT NOT NULL,
                at BIGINT NOT NULL,
                status BIGINT,
                error TEXT
            )
            """,
            "CREATE INDEX delivery_attempts_event ON delivery_attempts (event_id, id)",
        ]),
        (4, "polls", [
            """
            CREATE TABLE polls (
                task_id TEXT COLLATE "C" PRIMARY KEY,
                action TEXT,
                url TEXT,
                tries BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_expires_at BIGINT
            )
            """,
            "CREATE INDEX polls_due ON polls (due_at)",
            "CREATE INDEX tasks_waiting ON tasks (state, changed_at)",
        ]),
        // The default fills the rows already there, and is dropped so that a write that forgot
        // the provider fails instead of filing the task under Kling.
        (5, "tasks keyed by provider and id", [
            #"ALTER TABLE tasks ADD COLUMN provider TEXT COLLATE "C" NOT NULL DEFAULT 'kling'"#,
            "ALTER TABLE tasks ALTER COLUMN provider DROP DEFAULT",
            "ALTER TABLE tasks DROP CONSTRAINT tasks_pkey",
            "ALTER TABLE tasks ADD PRIMARY KEY (provider, id)",
            "DROP INDEX tasks_listing",
            "CREATE INDEX tasks_listing ON tasks (first_seen_at DESC, provider DESC, id DESC)",
            #"ALTER TABLE callbacks ADD COLUMN provider TEXT COLLATE "C" NOT NULL DEFAULT 'kling'"#,
            "ALTER TABLE callbacks ALTER COLUMN provider DROP DEFAULT",
            "DROP INDEX callbacks_task",
            "CREATE INDEX callbacks_task ON callbacks (provider, task_id, id)",
            #"ALTER TABLE events ADD COLUMN provider TEXT COLLATE "C" NOT NULL DEFAULT 'kling'"#,
            "ALTER TABLE events ALTER COLUMN provider DROP DEFAULT",
            "DROP INDEX events_task",
            "CREATE INDEX events_task ON events (provider, task_id, created_at)",
            #"ALTER TABLE polls ADD COLUMN provider TEXT COLLATE "C" NOT NULL DEFAULT 'kling'"#,
            "ALTER TABLE polls ALTER COLUMN provider DROP DEFAULT",
            "ALTER TABLE polls DROP CONSTRAINT polls_pkey",
            "ALTER TABLE polls ADD PRIMARY KEY (provider, task_id)",
        ]),
    ]

    static var latest: Int { migrations.last?.version ?? 0 }

    /// Any constant both sides agree on: the lock only ever guards the migrations.
    private static let lockKey: Int64 = 0x6461_726B_726F_6F6D

    /// Brings the database to `latest`; returns the versions this call applied.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        do {
            let applied = try await migrateLocked(connection, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
    }

    private static func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS darkroom_schema (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """, logger: logger)
        var current = 0
        for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM darkroom_schema", logger: logger)
            .decode(Int.self) {
            current = version
        }
        guard current <= latest else { throw NewerSchema(found: current, known: latest) }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.sql { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO darkroom_schema (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
            }
            applied.append(migration.version)
        }
        return applied
    }

    struct NewerSchema: Error, CustomStringConvertible {
        let found: Int
        let known: Int

        var description: String {
            "the database is at schema version \(found), newer than this darkroom knows (\(known)): it was upgraded by a newer darkroom; run that one"
        }
    }
}
