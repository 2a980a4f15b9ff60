import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

/// What only a shared database has to get right: many stores (processes) on one database, its
/// schema's versions, its doorbell, and a server that goes away.
@Suite struct PostgresTaskStoreTests {
    let start = Date(timeIntervalSince1970: 1_763_702_532)

    private func succeeded(_ task: String, at: Date? = nil) -> ReceivedCallback {
        var event = CallbackEvent(taskID: task, shape: .legacy, status: .succeeded, statusSpelling: "succeed",
                                  updatedAt: Date(timeIntervalSince1970: 1_763_702_000))
        event.videos = [ReportedVideo(id: "v", url: URL(string: "https://cdn.example.com/\(task).mp4")!)]
        return ReceivedCallback(event: event, body: Data("{\"task_id\":\"\(task)\"}".utf8), receivedAt: at ?? start)
    }

    /// Ten processes starting together on an empty database: all come up, one migrated.
    @Test func storesOpeningTogetherOnAnEmptyDatabaseMigrateItOnce() async throws {
        let server = try await SharedPostgres.shared.server()
        let url = try await server.newDatabase("migrate")
        let stores = try await withThrowingTaskGroup(of: PostgresTaskStore.self) { group in
            for _ in 0..<10 { group.addTask { try await openPostgresStore(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 10)
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        #expect(try await server.psql(database, "SELECT string_agg(version::text, ',' ORDER BY version) FROM darkroom_schema") == "1,2,3,4,5")
        _ = try await stores[0].record(succeeded("t1"))
        #expect(try await stores[9].task(kling("t1"))?.state == .queued)
    }

    @Test func aDatabaseMigratedByANewerDarkroomIsRefused() async throws {
        let server = try await SharedPostgres.shared.server()
        let url = try await server.newDatabase("newer")
        _ = try await openPostgresStore(url)
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        try await server.psql(database, "INSERT INTO darkroom_schema (version, name) VALUES (6, 'from the future')")
        let error = await #expect(throws: StoreError.self) { try await openPostgresStore(url) }
        #expect(error?.description.contains("schema version 6, newer than this darkroom knows (5)") == true, "\(String(describing: error))")
    }

    @Test func anSQLiteFileMigratedByANewerDarkroomIsRefused() async throws {
        let path = try makeTemporaryFolder("newer").appendingPathComponent("darkroom.sqlite").path
        _ = try SQLiteTaskStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v6: from the future')") }
        #expect {
            try SQLiteTaskStore(path: path)
        } throws: { error in
            "\(error)".contains("schema versions this darkroom does not know (v6: from the future)")
        }
    }

    /// Workers of three processes take 120 jobs at once: each is taken exactly once.
    @Test func workersOfManyProcessesNeverTakeTheSameJob() async throws {
        let url = try await SharedPostgres.shared.server().newDatabase("claim")
        let stores = [try await openPostgresStore(url), try await openPostgresStore(url), try await openPostgresStore(url)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<120 { group.addTask { _ = try await stores[n % 3].record(succeeded("t\(n)")) } }
            try await group.waitForAll()
        }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<12 {
                group.addTask {
                    var mine: [String] = []
                    while let job = try await stores[worker % 3].claim(owner: "w\(worker)", lease: .seconds(60), now: start + 1) {
                        mine.append(job.task.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 120)
        #expect(Set(claimed).count == 120, "no job was taken twice")
        #expect(try await stores[0].countByState() == [.downloading: 120])
    }

    /// Callbacks of one task arriving at two processes at once are applied one after the other:
    /// the task ends with the newest, and exactly one job.
    @Test func oneTasksCallbacksAtManyProcessesAreAppliedInTurn() async throws {
        let url = try await SharedPostgres.shared.server().newDatabase("turns")
        let stores = [try await openPostgresStore(url), try await openPostgresStore(url)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<40 { group.addTask { _ = try await stores[n % 2].record(succeeded("same")) } }
            try await group.waitForAll()
        }
        let history = try await stores[0].history(kling("same"), after: nil, limit: 100).callbacks
        #expect(history.count == 40)
        #expect(history.filter { $0.outcome == .applied }.count == 1, "one job; the rest are repeats")
        #expect(try await stores[1].claim(owner: "w", lease: .seconds(60), now: start + 1) != nil)
        #expect(try await stores[0].claim(owner: "w", lease: .seconds(60), now: start + 1) == nil)
    }

    /// A job queued through one process rings the doorbell of another at once, not at its next tick.
    @Test func aJobQueuedInOneProcessWakesAnother() async throws {
        let url = try await SharedPostgres.shared.server().newDatabase("doorbell")
        let (rings, ring) = AsyncStream.makeStream(of: Void.self)
        let listener = try await openPostgresStore(url) { ring.yield() }
        var iterator = rings.makeAsyncIterator()
        await iterator.next()  // the listener is connected: it rings once for jobs queued before
        let sender = try await openPostgresStore(url)
        _ = try await sender.record(succeeded("t1"))
        await iterator.next()
        #expect(try await listener.claim(owner: "other", lease: .seconds(60), now: start + 1)?.task.id == "t1")
    }

    /// PostgreSQL's text cannot hold NUL, which a callback's JSON may: the body keeps its bytes.
    @Test func aMessageWithANulCharacterIsStored() async throws {
        let store = try await openPostgresStore(try await SharedPostgres.shared.server().newDatabase("nul"))
        var callback = succeeded("t1")
        callback.event.status = .failed
        callback.event.videos = []
        callback.event.message = "bad\u{0}byte"
        callback.body = Data("{\"task_status_msg\":\"bad\\u0000byte\"}".utf8)
        _ = try await store.record(callback)
        #expect(try await store.task(kling("t1"))?.lastError == "bad\u{FFFD}byte")
        #expect(try await store.history(kling("t1"), after: nil, limit: 10).callbacks.first?.body == callback.body)
    }

    /// The database stopped: an operation fails `unavailable` (answered 503) within the store's
    /// time-out, naming the server and not its password; once it is back, the same store works
    /// without being reopened.
    @Test func aStoppedDatabaseIsUnavailableAndTheStoreReconnects() async throws {
        let server = try await TestPostgres()
        let url = try await server.newDatabase("outage")
        let store = try await openPostgresStore(url, timeout: .seconds(3))
        // Its first connections may take longer than the time-out on a loaded machine.
        try await waitUntil("the store takes a callback", timeout: .seconds(60)) {
            (try? await store.record(self.succeeded("before"))) != nil
        }
        try await server.stop()
        let error = await #expect(throws: StoreError.self) { try await store.record(self.succeeded("during")) }
        #expect(error?.kind == .unavailable)
        #expect(error?.description.contains("127.0.0.1:\(server.port)") == true, "\(String(describing: error))")
        #expect(error?.description.contains(TestPostgres.password) == false)
        try await server.start()
        try await waitUntil("the store reconnects", timeout: .seconds(30)) {
            (try? await store.record(self.succeeded("after"))) != nil
        }
        #expect(try await store.task(kling("before"))?.state == .queued)
        #expect(try await store.task(kling("during")) == nil, "a callback refused is not stored")
        #expect(try await store.task(kling("after"))?.state == .queued)
    }

    @Test func aWrongPasswordIsRefusedWithoutShowingIt() async throws {
        let server = try await SharedPostgres.shared.server()
        let url = try await server.newDatabase("password").replacingOccurrences(of: TestPostgres.password, with: "not-the-password-9d1")
        let error = await #expect(throws: StoreError.self) { try await openPostgresStore(url) }
        #expect(error?.description.contains("not-the-password-9d1") == false, "\(String(describing: error))")
        #expect(error?.description.contains("postgres://darkroom@127.0.0.1:\(server.port)/") == true, "\(String(describing: error))")
    }

    @Test func databaseSettingsAreParsedAndTheirPasswordNeverShown() throws {
        #expect(try DatabaseSetting(parsing: "sqlite:/var/lib/darkroom.sqlite") == .sqlite(path: "/var/lib/darkroom.sqlite"))
        let setting = try DatabaseSetting(parsing: "postgres://app:s%40cret@db.internal:6432/darkroom?sslmode=require")
        #expect(setting == .postgres(PostgresAddress(host: "db.internal", port: 6432, user: "app", password: "s@cret", database: "darkroom", tls: .require)))
        #expect(setting.description == "postgres://app@db.internal:6432/darkroom")
        for bad in ["postgres://app:hunter2@db.internal", "mysql://app:hunter2@db/x", "postgres://app:hunter2@db/x?sslmode=maybe",
                    "postgres://:hunter2@db/x", "sqlite:"] {
            #expect {
                try DatabaseSetting(parsing: bad)
            } throws: { error in
                !"\(error)".contains("hunter2")
            }
        }
    }
}
