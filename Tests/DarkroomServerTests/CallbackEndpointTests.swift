import DarkroomCore
import DarkroomQueue
import DarkroomServer
import DarkroomTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/callbacks/kling` answers, per DESIGN.md's table, and what it stores.
@Suite struct CallbackEndpointTests {
    @Test(arguments: [
        ("legacy-video-succeed.json", "queued", "succeeded"),
        ("legacy-video-succeeded-gateway.json", "queued", "succeeded"),
        ("legacy-images-succeed.json", "queued", "succeeded"),
        ("legacy-processing.json", "waiting", "processing"),
        ("legacy-failed.json", "failed", "failed"),
        ("new-video-succeeded.json", "queued", "succeeded"),
        ("new-test-callback.json", "waiting", "submitted"),
    ])
    func everySampleIsStoredAndAnswered(sample: String, state: String, status: String) async throws {
        let body = try RepositoryFiles.sampleCallback(sample)
        try await withRouter(try testSettings("endpoint-sample")) { client in
            let response = try await client.postCallback(body)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.json?["state"] as? String == state)
            #expect(response.json?["status"] as? String == status)
            #expect(response.json?["outcome"] as? String == "applied")
            let id = try #require(response.json?["task_id"] as? String)
            let task = try await client.execute(uri: "/v1/tasks/\(id)", method: .get)
            #expect(task.status == .ok)
            #expect(task.json?["state"] as? String == state)
            #expect((task.json?["history"] as? [Any])?.count == 1)
        }
    }

    @Test func badBodiesGetTheirStatusAndSayWhatIsWrong() async throws {
        try await withRouter(try testSettings("endpoint-bad") { $0.bodyLimit = 2048 }) { client in
            let notJSON = try await client.postCallback(Data("{\"task_id\": ".utf8))
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.errorMessage?.contains("not valid JSON") == true, "\(String(buffer: notJSON.body))")

            let badURL = try await client.postCallback(Data(#"{"task_id": "t", "task_status": "succeed", "task_result": {"videos": [{"url": "ftp://x/v.mp4"}]}}"#.utf8))
            #expect(badURL.status == .badRequest)
            #expect(badURL.errorMessage?.hasPrefix("task_result.videos[0].url: ") == true, "\(String(buffer: badURL.body))")

            let noStatus = try await client.postCallback(Data(#"{"task_id": "t"}"#.utf8))
            #expect(noStatus.status == .unprocessableContent)
            #expect(noStatus.errorMessage?.hasPrefix("task_status: missing") == true, "\(String(buffer: noStatus.body))")

            let tooLarge = try await client.postCallback(Data(repeating: UInt8(ascii: " "), count: 4096))
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorMessage == "the body is over the limit of 2048 bytes")

            let none = try await client.execute(uri: "/v1/tasks/t", method: .get)
            #expect(none.status == .notFound, "nothing refused was stored")
        }
    }

    /// A repeat changes nothing, an older callback changes nothing, and both are still 200.
    @Test func repeatsAndLateCallbacksAreHarmless() async throws {
        let succeeded = try RepositoryFiles.sampleCallback("legacy-video-succeed.json")
        let processing = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await withRouter(try testSettings("endpoint-order")) { client in
            #expect(try await client.postCallback(succeeded).json?["outcome"] as? String == "applied")
            let again = try await client.postCallback(succeeded)
            #expect(again.status == .ok)
            #expect(again.json?["outcome"] as? String == "repeated")
            let late = try await client.postCallback(processing)
            #expect(late.status == .ok)
            #expect(late.json?["outcome"] as? String == "stale")
            #expect(late.json?["state"] as? String == "queued")
            let task = try await client.execute(uri: "/v1/tasks/CjhGRWdYqgAAAAAAXyZc8Q", method: .get)
            let history = try #require(task.json?["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["outcome"] as? String } == ["applied", "repeated", "stale"])
        }
    }

    @Test func queryParametersOtherThanTheTokenBecomeTags() async throws {
        let body = try RepositoryFiles.sampleCallback("new-video-succeeded.json")
        try await withRouter(try testSettings("endpoint-tags") { $0.tokens = ["t0ken"] }) { client in
            let response = try await client.postCallback(body, query: "?project=summer&token=t0ken&shot=3")
            #expect(response.status == .ok)
            let task = try await client.execute(uri: "/v1/tasks/913827032734642185", method: .get)
            #expect(task.json?["tags"] as? [String: String] == ["project": "summer", "shot": "3"])
        }
    }

    /// A database locked past its time-out is 503 with Retry-After, so the sender tries again.
    @Test func aLockedDatabaseAnswers503() async throws {
        let settings = try testSettings("endpoint-locked") { $0.store.timeout = .milliseconds(100) }
        let body = try RepositoryFiles.sampleCallback("legacy-video-succeed.json")
        try await withRouter(settings) { client in
            // Another connection holds the write lock, as a long write of another process would.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: settings.data.appendingPathComponent("darkroom.sqlite").path, configuration: configuration)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let response = try await client.postCallback(body)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            #expect(ready.status == .serviceUnavailable, "not ready while the database cannot be written")
            #expect(String(buffer: ready.body).contains("database is locked"), "\(String(buffer: ready.body))")
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "5")
            #expect(response.errorMessage?.contains("database is locked") == true, "\(String(buffer: response.body))")
            let retried = try await client.postCallback(body)
            #expect(retried.status == .ok)
            // Readiness answers from its last check for up to a second.
            try await waitUntil("/readyz is ready again", timeout: .seconds(10)) {
                try await client.execute(uri: "/readyz", method: .get).status == .ok
            }
        }
    }

    /// The callback route is the provider's: kling is the one known; any other is a 404 naming
    /// the known ones, and nothing is stored.
    @Test func anUnknownProviderIs404() async throws {
        try await withRouter(try testSettings("providers")) { client in
            let body = try RepositoryFiles.sampleCallback("legacy-processing.json")
            let unknown = try await client.execute(uri: "/v1/callbacks/midjourney", method: .post, body: ByteBuffer(bytes: body))
            #expect(unknown.status == .notFound && unknown.errorMessage == "no provider midjourney: Darkroom takes callbacks from kling")
            let hostile = try await client.execute(uri: "/v1/callbacks/%3Cscript%3E", method: .post, body: ByteBuffer(bytes: body))
            #expect(hostile.status == .notFound && !String(buffer: hostile.body).contains("<script>"))
            #expect((try await client.execute(uri: "/v1/tasks", method: .get).json?["tasks"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/v1/callbacks/kling", method: .post, body: ByteBuffer(bytes: body)).status == .ok)
        }
    }

    @Test func tasksCanBeListedAndOnlyFailedOnesRetried() async throws {
        try await withRouter(try testSettings("endpoint-list")) { client in
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-failed.json"))
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("new-video-succeeded.json"))
            let all = try await client.execute(uri: "/v1/tasks", method: .get)
            #expect((all.json?["tasks"] as? [Any])?.count == 2)
            let queued = try await client.execute(uri: "/v1/tasks?state=queued", method: .get)
            #expect(((queued.json?["tasks"] as? [[String: Any]])?.map { $0["id"] as? String }) == ["913827032734642185"])
            #expect(try await client.execute(uri: "/v1/tasks?state=lost", method: .get).status == .badRequest)
            // Both posted within a millisecond or two: which is first is not the point, that the pages
            // hold each task once is.
            let firstPage = try await client.execute(uri: "/v1/tasks?limit=1", method: .get)
            let cursor = try #require(firstPage.json?["next_cursor"] as? String)
            let secondPage = try await client.execute(uri: "/v1/tasks?limit=1&cursor=\(cursor)", method: .get)
            let paged = [firstPage, secondPage].compactMap { ($0.json?["tasks"] as? [[String: Any]])?.first?["id"] as? String }
            #expect(Set(paged) == ["913827032734642185", "CjhHZ2u1sQAAAAAAXz1aRw"])
            let lastPage = try await client.execute(uri: "/v1/tasks?limit=1&cursor=\(try #require(secondPage.json?["next_cursor"] as? String))", method: .get)
            #expect((lastPage.json?["tasks"] as? [Any])?.isEmpty == true)
            #expect(lastPage.json?["next_cursor"] == nil)
            for bad in ["verdict=great", "tag=nocolon", "created_after=yesterday", "limit=0", "cursor=%25%25", "cursor=12-0", "cursor=12-00",
                        "limit=1&limit=2", "created_after=2025-11-21T07:00:00+24:00", "created_after=2025-11-21T07:00:00+05:60"] {
                let response = try await client.execute(uri: "/v1/tasks?\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }
            // RFC 3339 as a whole: lower-case t and z, and offsets beyond Foundation's ±18:00.
            for window in ["created_after=2025-11-21T07:00:00Z&created_before=2025-11-21T08:00:00Z",
                           "created_after=2025-11-21t07:00:00.5z&created_before=2025-11-21t08:00:00z",
                           "created_after=2025-11-22T03:00:00%2B20:00&created_before=2025-11-20T08:30:00-23:30"] {
                let found = try await client.execute(uri: "/v1/tasks?\(window)", method: .get)
                #expect(((found.json?["tasks"] as? [[String: Any]])?.map { $0["id"] as? String }) == ["913827032734642185"], "\(window)")
            }
            let emptyValue = try await client.execute(uri: "/v1/tasks?tag=project:", method: .get)
            #expect(emptyValue.status == .ok && (emptyValue.json?["tasks"] as? [Any])?.isEmpty == true, "a tag's value may be empty")
            let conflict = try await client.execute(uri: "/v1/tasks/913827032734642185/retry", method: .post)
            #expect(conflict.status == .conflict)
            #expect(try await client.execute(uri: "/v1/tasks/unknown/retry", method: .post).status == .notFound)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func metricsCountCallbacksByOutcomeAndTasksByState() async throws {
        try await withRouter(try testSettings("endpoint-metrics") { $0.tokens = ["t"] }) { client in
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-video-succeed.json"), query: "?token=t")
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-processing.json"), query: "?token=t")
            _ = try await client.postCallback(Data("{}".utf8), query: "?token=wrong")
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(String(buffer: response.body).split(separator: "\n").map(String.init))
            for expected in [
                #"darkroom_callbacks_total{outcome="applied"} 1"#, #"darkroom_callbacks_total{outcome="stale"} 1"#,
                #"darkroom_callbacks_total{outcome="unauthorized"} 1"#, #"darkroom_tasks{state="queued"} 1.0"#,
                #"darkroom_tasks{state="archived"} 0.0"#, "darkroom_queue_depth 1.0",
            ] {
                #expect(lines.contains(expected), "\(expected) in \(lines.sorted())")
            }
        }
    }
}
