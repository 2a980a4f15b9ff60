import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve` processes on one PostgreSQL database and one archive: started together on an
/// empty database, a callback taken by one and archived by another, and the database stopped
/// under load.
@Suite(.serialized) struct ServePostgresTests {
    let folder: URL
    let media: TestHTTPServer

    init() async throws {
        folder = try makeTemporaryFolder("serve-postgres")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264NoAudio)))
        media = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
    }

    private var data: URL { folder.appendingPathComponent("data") }

    private func callback(_ id: String) -> Data {
        videoCallback(taskID: id, url: media.url("clip.mp4"))
    }

    /// PostgreSQL's text cannot hold NUL: an id, a tag or a registration with one is refused
    /// before the database is asked (it would answer an error, a 500), on every route.
    @Test func aNULInAnIdNeverReachesPostgreSQL() async throws {
        let postgres = try await SharedPostgres.shared.server()
        let server = try await ServerProcess(data: data, arguments: ["--download-workers", "0", "--media-workers", "0"],
                                             environment: ["DARKROOM_DATABASE": try await postgres.newDatabase("serve_nul")])
        for path in ["/v1/tasks/a%00b", "/v1/tasks/%00/files/index.json", "/v1/tasks/%00/files.tar", "/tasks/%00"] {
            #expect(try await server.request("GET", path).status == 404, "\(path)")
        }
        #expect(try await server.request("POST", "/v1/tasks/%00/retry").status == 404)
        #expect(try await server.request("GET", "/v1/tasks?tag=a:%00").status == 400)
        let callback = Data(#"{"task_id": "a\u0000b", "task_status": "submitted"}"#.utf8)
        let refused = try await server.request("POST", "/v1/callbacks/kling", body: callback)
        #expect(refused.status == 400 && refused.text.contains("task_id: holds a NUL character"), "\(refused.text)")
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "a\u0000b"}"#.utf8)).status == 400)
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "x", "tags": {"k": "\u0000"}}"#.utf8)).status == 400)
        #expect(!server.logText.contains("SQLSTATE"), "PostgreSQL was never asked")
        await server.stop()
    }

    /// Two processes on an empty database: both come up, one of them migrates. A callback taken
    /// by the one without workers is archived by the other, once; the password shows nowhere.
    @Test func twoProcessesStartedTogetherBothComeUpAndShareTheWork() async throws {
        let postgres = try await SharedPostgres.shared.server()
        let url = try await postgres.newDatabase("serve_two")
        let environment = ["DARKROOM_DATABASE": url]
        async let starting = ServerProcess(
            data: data, arguments: ["--allow-private", "--download-workers", "0", "--media-workers", "0"], environment: environment)
        async let archiving = ServerProcess(data: data, arguments: ["--allow-private"], environment: environment)
        let (taker, archiver) = try await (starting, archiving)
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        #expect(try await postgres.psql(database, "SELECT string_agg(version::text, ',' ORDER BY version) FROM darkroom_schema") == "1,2,3,4,5")
        let migrated = [taker.logText, archiver.logText].filter { $0.contains("migrated the task store") }
        #expect(migrated.count == 1, "one process migrated")

        #expect(try await taker.request("POST", "/v1/callbacks/kling", body: callback("shared-1")).status == 200)
        let task = try await taker.waitForTask("shared-1", "archived")
        #expect(task["folder"] as? String == "2025/11/21/shared-1")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("archive/2025/11/21/shared-1/index.json").path))
        #expect(archiver.logText.components(separatedBy: "job claimed").count == 2, "claimed once, by the process with workers")
        #expect(!taker.logText.contains("job claimed"))
        #expect(try await archiver.request("GET", "/v1/tasks/shared-1").json?["state"] as? String == "archived")

        #expect(await taker.stop() == 0)
        #expect(await archiver.stop() == 0)
        for log in [taker.logText, archiver.logText] {
            #expect(!log.contains(TestPostgres.password), "the password never appears in a log")
        }
    }

    /// PostgreSQL stopped for 10 s while callbacks arrive: each is answered 503 with Retry-After,
    /// never 200 without its commit; once it is back, callbacks are taken and archived again by
    /// the same process, not restarted.
    @Test func aStoppedDatabaseAnswers503AndTheServiceGoesOnWhenItIsBack() async throws {
        let postgres = try await TestPostgres()
        let url = try await postgres.newDatabase("outage")
        let server = try await ServerProcess(
            data: data, arguments: ["--allow-private", "--database-timeout", "2"], environment: ["DARKROOM_DATABASE": url])
        // A first connection may take longer than the time-out on a loaded machine: 503, try again.
        try await waitUntil("a callback is taken", timeout: .seconds(60)) {
            try await server.request("POST", "/v1/callbacks/kling", body: callback("before")).status == 200
        }
        try await server.waitForTask("before", "archived")

        try await postgres.stop()
        var answers: [(id: String, status: Int, retryAfter: String?)] = []
        let stopped = ContinuousClock.now
        while ContinuousClock.now - stopped < .seconds(10) {
            let id = "during-\(answers.count)"
            let answer = try await server.request("POST", "/v1/callbacks/kling", body: callback(id))
            answers.append((id, answer.status, answer.headers["retry-after"]))
        }
        #expect(try await server.request("GET", "/readyz").status == 503, "not ready while the database is down")
        try await postgres.start()

        #expect(!answers.isEmpty)
        #expect(answers.allSatisfy { $0.status == 503 && $0.retryAfter != nil }, "\(answers)")
        try await waitUntil("callbacks are taken again", timeout: .seconds(60)) {
            try await server.request("POST", "/v1/callbacks/kling", body: callback("after")).status == 200
        }
        try await server.waitForTask("after", "archived")
        #expect(server.isRunning)
        for answer in answers {
            #expect(try await server.request("GET", "/v1/tasks/\(answer.id)").status == 404, "a callback answered 503 was not stored")
        }
        #expect(await server.stop() == 0)
        try await postgres.stop()
    }
}
