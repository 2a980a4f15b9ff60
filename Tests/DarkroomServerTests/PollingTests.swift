import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// A missed callback is never a lost result: the real binary polls a fake provider on
/// 127.0.0.1 that speaks Kling's query API and checks who asks.
@Suite struct PollingTests {
    private func clip() async throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
    }

    /// `darkroom serve` polling `provider` quickly: after 1 s of waiting, then every second.
    private func serve(_ provider: FakeProvider, _ extra: [String] = [], label: String = "polling") async throws -> ServerProcess {
        let folder = try makeTemporaryFolder(label)
        return try await ServerProcess(data: folder.appendingPathComponent("data"), arguments: [
            "--allow-private", "--poll-url", provider.pollURL, "--poll-after", "1", "--poll-interval", "1",
        ] + extra)
    }

    private func submitted(_ id: String) -> Data {
        Data(#"{"task_id": "\#(id)", "task_status": "submitted", "created_at": 1763702400000, "updated_at": 1763702400000}"#.utf8)
    }

    @Test func aTaskWithOnlyASubmittedCallbackIsPolledAndArchived() async throws {
        let clip = try await clip()
        let provider = try FakeProvider(clip: clip) { _, n in n < 2 ? .processing : .succeed }
        let server = try await serve(provider, ["--poll-token", "gateway-key"])
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: submitted("p1")).status == 200)
        let task = try await server.waitForTask("p1", "archived", timeout: .seconds(60))
        #expect(task["verdict"] as? String == "ok", "\(task)")
        let queries = provider.queries(of: "p1")
        #expect(queries.count >= 2 && queries.allSatisfy { $0.authorization == "Bearer gateway-key" && $0.action == "text2video" }, "\(queries)")
        let history = try #require(task["history"] as? [[String: Any]])
        #expect(history.first?["source"] as? String == "callback")
        #expect(history.filter { $0["source"] as? String == "poll" }.map { $0["status"] as? String } .last == "succeeded", "\(history)")
        let page = try await server.request("GET", "/tasks/p1")
        #expect(page.text.contains("<td class=\"muted\">asked the provider</td>") && page.text.contains("<td class=\"muted\">callback</td>"), "\(page.text)")
        let report = try await runDarkroom(["show", "p1", "--server", server.url("").absoluteString])
        #expect(report.stdout.contains("succeed  applied  (polled)") && report.stdout.contains("submitted  applied\n"), "\(report.stdout)")
        // The archive is the one a callback would have made: the clip, whole.
        let source = try await server.request("GET", "/v1/tasks/p1/files/videos/v/source.mp4")
        #expect(source.status == 200 && source.body == clip)

        // The generator's own callback, late: the same results, a repeat.
        let late = Data("""
            {"task_id": "p1", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(provider.clipURL.absoluteString)", "duration": "2"}]}}
            """.utf8)
        let answer = try await server.request("POST", "/v1/callbacks/kling", body: late)
        #expect(answer.json?["outcome"] as? String == "repeated" && answer.json?["state"] as? String == "archived", "\(answer.text)")
    }

    @Test func aRegisteredTaskWithNoCallbackIsArchived() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .succeed }
        let server = try await serve(provider)
        let body = Data(#"{"task_id": "r1", "action": "image2video", "tags": {"campaign": "spring"}}"#.utf8)
        let created = try await server.request("POST", "/v1/tasks", body: body)
        #expect(created.status == 201 && created.json?["state"] as? String == "waiting", "\(created.text)")
        let task = try await server.waitForTask("r1", "archived", timeout: .seconds(60))
        #expect(task["tags"] as? [String: String] == ["campaign": "spring"])
        #expect(provider.queries(of: "r1").first?.action == "image2video")
        let again = try await server.request("POST", "/v1/tasks", body: body)
        #expect(again.status == 200 && again.json?["state"] as? String == "archived", "registering again changes nothing: \(again.text)")
        for bad in [#"{"task_id": ""}"#, #"{"task_id": "x", "action": "../admin"}"#, #"{"task_id": "x", "poll_url": "file:///etc/passwd"}"#, "[]"] {
            let refused = try await server.request("POST", "/v1/tasks", body: Data(bad.utf8))
            #expect(refused.status == 400, "\(bad): \(refused.text)")
        }
    }

    /// Whoever may register a task cannot have the provider's key sent to a host of theirs: a
    /// registration's own poll_url at another origin is asked without it.
    @Test func theKeyGoesOnlyToThePollURLsOrigin() async throws {
        let clip = try await clip()
        let provider = try FakeProvider(clip: clip) { _, _ in .succeed }
        let elsewhere = try FakeProvider(clip: clip) { _, _ in .succeed }
        let server = try await serve(provider, ["--poll-token", "gateway-key"])
        let own = Data(#"{"task_id": "own-url", "poll_url": "\#(elsewhere.pollURL)"}"#.utf8)
        #expect(try await server.request("POST", "/v1/tasks", body: own).status == 201)
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "template"}"#.utf8)).status == 201)
        _ = try await server.waitForTask("own-url", "archived", timeout: .seconds(60))
        _ = try await server.waitForTask("template", "archived", timeout: .seconds(60))
        #expect(elsewhere.queries(of: "own-url").map(\.authorization) == [nil], "no key to another origin")
        #expect(provider.queries(of: "template").map(\.authorization) == ["Bearer gateway-key"])
        #expect(provider.queries(of: "own-url").isEmpty)
    }

    @Test func aTokenThatCouldEndItsHeaderIsRefusedAtStart() async throws {
        let folder = try makeTemporaryFolder("polling-token")
        let refused = try await runDarkroom(["serve", "--data", folder.path, "--port", "0", "--poll-url", "https://gw.example/{task_id}"],
                                            environment: ["DARKROOM_POLL_TOKEN": "key\r\nX-Injected: 1"], timeout: .seconds(30))
        #expect(refused.status == 64 && refused.stderr.contains("poll-token must be visible ASCII"), "\(refused.stderr)")
    }

    @Test func aTaskThatNeverEndsFailsAfterTheGiveUpTime() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .processing }
        let server = try await serve(provider, ["--poll-give-up", "3"])
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "forever"}"#.utf8)).status == 201)
        let task = try await server.waitForTask("forever", "failed", timeout: .seconds(60))
        #expect((task["last_error"] as? String)?.hasPrefix("the provider never reported an end") == true, "\(task)")
        let events = try #require(task["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["task.failed"])
        #expect(server.isRunning)
    }

    @Test func a429IsHonouredForItsRetryAfter() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, n in n == 1 ? .status(429, retryAfter: 3) : .succeed }
        let server = try await serve(provider)
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "slow"}"#.utf8)).status == 201)
        _ = try await server.waitForTask("slow", "archived", timeout: .seconds(60))
        let queries = provider.queries(of: "slow")
        #expect(queries.count == 2)
        // The next query waited for what the provider asked, not the 1 s interval.
        #expect(queries[1].at - queries[0].at >= .seconds(3), "\(queries.map(\.at))")
    }

    @Test func aWrongKeyIsAClearErrorInTheTaskNotACrashLoop() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .status(401) }
        let server = try await serve(provider, ["--poll-token", "wrong-key"])
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "locked"}"#.utf8)).status == 201)
        var task: [String: Any] = [:]
        try await waitUntil("the task says why", timeout: .seconds(30)) {
            task = try await server.request("GET", "/v1/tasks/locked").json ?? [:]
            return (task["last_error"] as? String)?.contains("refused the credentials (HTTP 401)") == true
        }
        #expect(task["state"] as? String == "waiting" && server.isRunning)
        // Still asked again later, on the backoff: 1 s, 2 s, 4 s, … not at once.
        try await waitUntil("a second query", timeout: .seconds(30)) { provider.queries(of: "locked").count >= 2 }
        let queries = provider.queries(of: "locked")
        #expect(queries[1].at - queries[0].at >= .milliseconds(800), "\(queries.map(\.at))")
        let refused = try await server.request("GET", "/metrics")
        #expect(refused.text.contains(#"darkroom_polls_total{result="refused"}"#), "\(refused.text)")
        #expect(!server.logText.contains("wrong-key"), "the key is never logged")
    }

    /// Each answer that does not help has its own line in the task, and the task stays waiting.
    @Test(arguments: [
        (FakeProvider.Answer.refused(code: 1201, message: "task not found"), "the provider refused the query: code 1201: task not found"),
        (.status(404), "the provider does not know this task (HTTP 404)"),
        (.status(502), "the provider answered HTTP 502"),
    ])
    func anAnswerThatDoesNotHelpIsTheTasksLastError(answer: FakeProvider.Answer, message: String) async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in answer }
        let server = try await serve(provider)
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "unhelpful"}"#.utf8)).status == 201)
        var task: [String: Any] = [:]
        try await waitUntil("the task says why", timeout: .seconds(30)) {
            task = try await server.request("GET", "/v1/tasks/unhelpful").json ?? [:]
            return task["last_error"] as? String == message
        }
        #expect(task["state"] as? String == "waiting" && (task["history"] as? [Any])?.isEmpty == true, "\(task)")
    }

    /// `--poll-url` is Kling's query API: a waiting task of another provider (in a store shared
    /// with a darkroom that knows it) is never asked about there, and says why.
    @Test func aTaskOfAnotherProviderIsNotAskedAtKlingsURL() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .succeed }
        let data = try makeTemporaryFolder("polling-other").appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let store = try SQLiteTaskStore(path: data.appendingPathComponent("darkroom.sqlite").path)
        _ = try await store.register(Registration(task: TaskKey(provider: "gateway", id: "g1")), now: Date())
        let server = try await ServerProcess(data: data, arguments: [
            "--allow-private", "--poll-url", provider.pollURL, "--poll-after", "1", "--poll-interval", "1",
        ])
        var task: [String: Any] = [:]
        try await waitUntil("the task says why", timeout: .seconds(30)) {
            task = try await server.request("GET", "/v1/tasks/g1?provider=gateway").json ?? [:]
            return task["last_error"] as? String == "this darkroom polls kling only"
        }
        #expect(task["state"] as? String == "waiting", "\(task)")
        #expect(provider.received.isEmpty, "Kling's query API was never asked about the gateway's task")
    }

    /// The query goes through the fetcher's address policy: a provider on 127.0.0.1 is refused
    /// without --allow-private, and the task says so.
    @Test func theQueryIsUnderTheAddressPolicy() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .succeed }
        let folder = try makeTemporaryFolder("polling-policy")
        let server = try await ServerProcess(data: folder.appendingPathComponent("data"), arguments: [
            "--poll-url", provider.pollURL, "--poll-after", "1", "--poll-interval", "1",
        ])
        #expect(try await server.request("POST", "/v1/tasks", body: Data(#"{"task_id": "private"}"#.utf8)).status == 201)
        var task: [String: Any] = [:]
        try await waitUntil("the task says why", timeout: .seconds(30)) {
            task = try await server.request("GET", "/v1/tasks/private").json ?? [:]
            return (task["last_error"] as? String)?.contains("refused to connect: 127.0.0.1 is") == true
        }
        #expect(provider.received.isEmpty, "the provider was never reached")
    }

    /// Kling's own API takes a JWT; PyJWT (PyPI) checks its signature and claims.
    @Test func theKlingJWTPassesPyJWT() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .succeed }
        let folder = try makeTemporaryFolder("polling-kling")
        let kling = try await ServerProcess(
            data: folder.appendingPathComponent("data"),
            arguments: ["--allow-private", "--poll-url", provider.pollURL, "--poll-after", "1", "--poll-interval", "1", "--kling-access-key", "AK-test"],
            environment: ["DARKROOM_KLING_SECRET_KEY": "SK-test-secret-of-32-bytes-or-more"])
        #expect(try await kling.request("POST", "/v1/tasks", body: Data(#"{"task_id": "jwt"}"#.utf8)).status == 201)
        _ = try await kling.waitForTask("jwt", "archived", timeout: .seconds(60))
        let authorization = try #require(provider.queries(of: "jwt").first?.authorization)
        #expect(authorization.hasPrefix("Bearer "))
        let script = """
            import json, sys, time, jwt
            token = sys.argv[1]
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, "SK-test-secret-of-32-bytes-or-more", algorithms=["HS256"], issuer="AK-test", options={"require": ["iss", "exp", "nbf"]})
            print(json.dumps({"alg": header["alg"], "typ": header.get("typ"), "iss": claims["iss"],
                              "lifetime": claims["exp"] - claims["nbf"], "exp_from_now": claims["exp"] - time.time()}))
            """
        let result = try await runCommand(RepositoryFiles.python, ["-c", script, String(authorization.dropFirst(7))])
        #expect(result.status == 0, "\(result.stderr)")
        let checked = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stdout)")
        #expect(checked["alg"] as? String == "HS256" && checked["typ"] as? String == "JWT" && checked["iss"] as? String == "AK-test")
        #expect(checked["lifetime"] as? Int == 1805, "exp = now + 1800, nbf = now - 5: \(checked)")
        #expect(((checked["exp_from_now"] as? Double) ?? 0) > 1000, "\(checked)")
        #expect(!kling.logText.contains("SK-test-secret-of-32-bytes-or-more"))
        let wrong = try await runCommand(RepositoryFiles.python, ["-c", "import jwt, sys; jwt.decode(sys.argv[1], 'other', algorithms=['HS256'])", String(authorization.dropFirst(7))])
        #expect(wrong.status != 0, "another secret does not verify it")
    }

    /// Two processes on one PostgreSQL database poll each task once per interval: the poll is
    /// leased, so no task is asked about twice at once, and the backoff holds across processes.
    @Test func twoProcessesOnOneDatabasePollEachTaskOncePerInterval() async throws {
        let provider = try FakeProvider(clip: try await clip()) { _, _ in .processing }
        let postgres = try await SharedPostgres.shared.server()
        let environment = ["DARKROOM_DATABASE": try await postgres.newDatabase("polling_two")]
        let folder = try makeTemporaryFolder("polling-two")
        let arguments = ["--allow-private", "--poll-url", provider.pollURL, "--poll-after", "1", "--poll-interval", "2"]
        async let first = ServerProcess(data: folder.appendingPathComponent("data"), arguments: arguments, environment: environment)
        async let second = ServerProcess(data: folder.appendingPathComponent("data"), arguments: arguments, environment: environment)
        let servers = try await [first, second]
        let ids = (0..<6).map { "shared-\($0)" }
        for (n, id) in ids.enumerated() {
            #expect(try await servers[n % 2].request("POST", "/v1/tasks", body: Data(#"{"task_id": "\#(id)"}"#.utf8)).status == 201)
        }
        // Each task: asked at once, then ~2 s later (±20 %), then ~4 s after that.
        try await waitUntil("three queries of every task", timeout: .seconds(60)) { ids.allSatisfy { provider.queries(of: $0).count >= 3 } }
        for id in ids {
            let times = provider.queries(of: id).map(\.at)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 >= .milliseconds(1500) }, "\(id): queries \(gaps) apart; no two at once")
        }
        let histories = try await servers[0].request("GET", "/v1/tasks/shared-0").json?["history"] as? [[String: Any]] ?? []
        #expect(histories.allSatisfy { $0["source"] as? String == "poll" } && histories.count >= 3)
    }
}
