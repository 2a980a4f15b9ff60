import DarkroomCore
@testable import DarkroomQueue
import DarkroomTestSupport
import Foundation
import GRDB
import Testing

/// A database written before tasks were keyed by provider (schema version 4) is upgraded in
/// place when a darkroom of today opens it: every task, callback, event and poll in it was
/// Kling's, and stays findable as Kling's; a new callback of such a task applies to it.
@Suite struct ProviderMigrationTests {
    /// Rows as the darkroom of version 4 wrote them: a waiting task with a callback, an event and
    /// a poll.
    private static let rowsOfVersion4 = [
        """
        INSERT INTO tasks (id, state, status, message, shape, tags, attempts, first_seen_at, changed_at)
        VALUES ('old', 'waiting', 'processing', '', 'legacy', '{"project":"summer"}', 0, 1763702400000, 1763702400000)
        """,
        """
        INSERT INTO callbacks (task_id, received_at, status, status_spelling, updated_at, outcome, headers, body)
        VALUES ('old', 1763702400000, 'processing', 'processing', 1763702400000, 'applied', '{}', X'7B7D')
        """,
        "INSERT INTO events (id, type, task_id, created_at, body) VALUES ('evt_old', 'task.failed', 'old', 1763702400000, X'7B7D')",
        "INSERT INTO polls (task_id, tries, due_at) VALUES ('old', 3, 1763702400000)",
    ]

    enum Kind: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    /// A store of `kind` opened on a database of version 4 holding `rowsOfVersion4`.
    private func openVersion4(_ kind: Kind) async throws -> any TaskStore {
        switch kind {
        case .sqlite:
            let path = try makeTemporaryFolder("v4").appendingPathComponent("darkroom.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v4: polls")
            try await queue.write { db in
                for sql in Self.rowsOfVersion4 { try db.execute(sql: sql) }
            }
            return try SQLiteTaskStore(path: path)
        case .postgres:
            let server = try await SharedPostgres.shared.server()
            let url = try await server.newDatabase("v4")
            let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
            var statements = ["CREATE TABLE darkroom_schema (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"]
            for migration in PostgresSchema.migrations where migration.version <= 4 {
                statements += migration.sql.map(\.sql)
                statements.append("INSERT INTO darkroom_schema (version, name) VALUES (\(migration.version), 'v\(migration.version)')")
            }
            statements += Self.rowsOfVersion4.map { $0.replacingOccurrences(of: "X'7B7D'", with: "'\\x7b7d'::bytea") }
            for statement in statements { _ = try await server.psql(database, statement) }
            return try await openPostgresStore(url)
        }
    }

    @Test(arguments: Kind.allCases)
    func everythingOfVersion4IsKlingsAfterTheUpgrade(kind: Kind) async throws {
        let store = try await openVersion4(kind)
        let task = try #require(try await store.task(kling("old")))
        #expect(task.provider == "kling" && task.state == .waiting && task.tags == ["project": "summer"])
        #expect(try await store.history(kling("old"), after: nil, limit: 10).callbacks.map(\.task) == [kling("old")])
        #expect(try await store.events(task: kling("old")).map(\.event.id) == ["evt_old"])
        let poll = try #require(try await store.claimPoll(owner: "p", lease: .seconds(30), now: Date(), waitingSince: Date()))
        #expect(poll.task == kling("old") && poll.tries == 3, "the poll kept its place")

        let event = CallbackEvent(taskID: "old", shape: .legacy, status: .failed, statusSpelling: "failed",
                                  updatedAt: Date(timeIntervalSince1970: 1_763_702_500))
        let recorded = try await store.record(ReceivedCallback(event: event, body: Data("{}".utf8), receivedAt: Date()))
        #expect(recorded.outcome == .applied && recorded.task.state == .failed, "Kling's callback of the old task is that task's")
        #expect(try await store.tasks(TaskQuery()).tasks.map(\.key) == [kling("old")])
    }
}
