import DarkroomTestSupport
import Foundation
import Testing

/// Notifications with the built binary and a receiver on 127.0.0.1 that checks every request
/// with the `standardwebhooks` package: what each event carries, and that it arrives, once
/// delivered, whatever the receiver answers and whether Darkroom is killed meanwhile.
@Suite struct NotificationTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 251) }).base64EncodedString()

    private func serve(_ data: URL, _ receiver: WebhookReceiver, path: String = "/hook", extra: [String] = []) async throws -> ServerProcess {
        try await ServerProcess(data: data, arguments: [
            "--allow-private", "--notify", receiver.url(path), "--public-url", "http://files.example", "--notify-retry-base-seconds", "0",
        ] + extra, environment: ["DARKROOM_NOTIFY_SECRET": Self.secret])
    }

    /// The task's deliveries, from `GET /v1/tasks/{id}`, once `done` says they are where the
    /// test wants them.
    private func deliveries(_ server: ServerProcess, _ id: String, until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        try await waitUntil("the deliveries of \(id) settle", timeout: .seconds(90)) {
            let events = try await server.request("GET", "/v1/tasks/\(id)").json?["events"] as? [[String: Any]] ?? []
            found = events.flatMap { $0["deliveries"] as? [[String: Any]] ?? [] }
            return done(found)
        }
        return found
    }

    /// What `docs/event.schema.json` (and, for the index it carries, `docs/index.schema.json`)
    /// find wrong with a request's body, by Python's `jsonschema`.
    private func schemaViolations(_ request: WebhookReceiver.Received, _ folder: URL) async throws -> [String] {
        let body = folder.appendingPathComponent("event-\(UUID().uuidString.prefix(6)).json")
        try (request.payloadJSON ?? Data("null".utf8)).write(to: body)
        var found = try await jsonSchemaViolations(of: body, schema: RepositoryFiles.root.appendingPathComponent("docs/event.schema.json"))
        if let index = (request.payload?["data"] as? [String: Any])?["index"] {
            let file = folder.appendingPathComponent("event-index-\(UUID().uuidString.prefix(6)).json")
            try JSONSerialization.data(withJSONObject: index).write(to: file)
            found += try await jsonSchemaViolations(of: file)
        }
        return found
    }

    @Test func anArchivedTaskGetsOneSignedEventWithItsFilesAndHashes() async throws {
        let folder = try makeTemporaryFolder("notify-archived")
        let data = folder.appendingPathComponent("data")
        let receiver = try await WebhookReceiver(secret: Self.secret, folder: folder)
        let server = try await serve(data, receiver)
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-1", url: media.url("clip.mp4"))).status == 200)
        let task = try await server.waitForTask("pub-1", "archived")
        let delivered = try await deliveries(server, "pub-1") { $0.first?["state"] as? String == "delivered" }
        #expect((delivered.first?["attempts"] as? [Any])?.count == 1)

        let received = try receiver.received()
        #expect(received.count == 1, "\(received)")
        let request = try #require(received.first)
        #expect(request.verified, "\(request.error ?? "")")
        let payload = try #require(request.payload)
        #expect(try await schemaViolations(request, folder) == [])
        #expect(payload["type"] as? String == "task.archived")
        #expect(payload["timestamp"] is String)
        let body = try #require(payload["data"] as? [String: Any])
        #expect(body["task_id"] as? String == "pub-1" && body["state"] as? String == "archived" && body["verdict"] as? String == task["verdict"] as? String)
        #expect((body["index"] as? [String: Any])?["folder"] as? String == task["folder"] as? String)
        let taskFolder = data.appendingPathComponent("archive").appendingPathComponent(try #require(task["folder"] as? String))

        // Every file of the archive but the index itself, each with its size, its hash (by
        // sha256sum) and a URL that serves it.
        let files = try #require(body["files"] as? [[String: Any]])
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: taskFolder.path).filter { path in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: taskFolder.appendingPathComponent(path).path, isDirectory: &isFolder)
            return !isFolder.boolValue && path != "index.json"
        }
        #expect(Set(files.compactMap { $0["path"] as? String }) == Set(onDisk))
        for file in files {
            let path = try #require(file["path"] as? String)
            let local = taskFolder.appendingPathComponent(path).path
            #expect(file["sha256"] as? String == (try await sha256sum(local)), "\(path)")
            #expect(file["bytes"] as? Int == (try FileManager.default.attributesOfItem(atPath: local)[.size] as? Int), "\(path)")
            let url = try #require(file["url"] as? String)
            #expect(url == "http://files.example/v1/tasks/pub-1/files/\(path)")
            let served = try await server.request("GET", String(url.dropFirst("http://files.example".count)))
            let expected = try Data(contentsOf: URL(fileURLWithPath: local))
            #expect(served.status == 200 && served.body == expected, "\(path)")
        }
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"darkroom_notifications_total{result="delivered"} 1"# + "\n"), "\(metrics)")
        await server.stop()
    }

    /// The generator says it failed the task: `task.failed`, once, however often it says so.
    @Test func aTaskTheGeneratorFailedGetsTaskFailedOnce() async throws {
        let folder = try makeTemporaryFolder("notify-generator-failed")
        let receiver = try await WebhookReceiver(secret: Self.secret, folder: folder)
        let server = try await serve(folder.appendingPathComponent("data"), receiver)
        let body = Data(#"{"task_id": "pub-no", "task_status": "failed", "task_status_msg": "content policy", "created_at": 1763702400000, "updated_at": 1763702460000}"#.utf8)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200, "a repeat")
        _ = try await deliveries(server, "pub-no") { $0.first?["state"] as? String == "delivered" }
        let events = try await server.request("GET", "/v1/tasks/pub-no").json?["events"] as? [[String: Any]] ?? []
        #expect(events.count == 1, "\(events)")
        let request = try #require(try receiver.received().first)
        #expect(request.verified, "\(request.error ?? "")")
        #expect(try await schemaViolations(request, folder) == [])
        #expect(request.payload?["type"] as? String == "task.failed")
        let data = try #require(request.payload?["data"] as? [String: Any])
        #expect(data["task_id"] as? String == "pub-no" && data["state"] as? String == "failed" && data["failed_by"] as? String == "generator")
        #expect(data["reason"] as? String == "content policy" && data["attempts"] as? Int == 0, "\(data)")
        #expect((data["history"] as? [[String: Any]])?.map { $0["status"] as? String } == ["failed"], "\(data)")
        await server.stop()
    }

    /// The archive job gives up (the archive's file system is full): `task.failed` with the
    /// reason, the attempts and the task's callbacks.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aTaskTheArchiveGaveUpOnGetsTaskFailed() async throws {
        let folder = try makeTemporaryFolder("notify-archive-failed")
        let data = folder.appendingPathComponent("data")
        let archive = data.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", archive.path])
        defer { _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", archive.path]) }
        let receiver = try await WebhookReceiver(secret: Self.secret, folder: folder)
        let server = try await serve(data, receiver, extra: ["--max-attempts", "1", "--min-free-bytes", "0"])
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-full", url: media.url("clip.mp4"))).status == 200)
        _ = try await server.waitForTask("pub-full", "failed")
        _ = try await deliveries(server, "pub-full") { $0.first?["state"] as? String == "delivered" }
        let request = try #require(try receiver.received().first)
        #expect(request.verified, "\(request.error ?? "")")
        #expect(try await schemaViolations(request, folder) == [])
        #expect(request.payload?["type"] as? String == "task.failed")
        let body = try #require(request.payload?["data"] as? [String: Any])
        #expect(body["task_id"] as? String == "pub-full" && body["failed_by"] as? String == "archive" && body["attempts"] as? Int == 1)
        #expect((body["reason"] as? String)?.contains("No space left on device") == true, "\(body)")
        #expect((body["history"] as? [[String: Any]])?.map { $0["status"] as? String } == ["succeeded"], "\(body)")
        await server.stop()
    }

    /// 500 three times, then 200: four attempts of the same event (one `webhook-id`), each
    /// recorded with its status; the fourth delivers.
    @Test func aFailingReceiverGetsTheSameEventUntilItTakesIt() async throws {
        let folder = try makeTemporaryFolder("notify-retry")
        let receiver = try await WebhookReceiver(secret: Self.secret, plan: ["/hook": [500, 500, 500]], folder: folder)
        let server = try await serve(folder.appendingPathComponent("data"), receiver)
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-retry", url: media.url("clip.mp4"))).status == 200)
        let delivered = try await deliveries(server, "pub-retry") { $0.first?["state"] as? String == "delivered" }
        let attempts = delivered.first?["attempts"] as? [[String: Any]] ?? []
        #expect(attempts.compactMap { $0["status"] as? Int } == [500, 500, 500, 200])
        let received = try receiver.received()
        #expect(received.map(\.status) == [500, 500, 500, 200])
        let errors = received.compactMap(\.error)
        #expect(errors.isEmpty && received.allSatisfy { $0.verified }, "\(errors)")
        #expect(Set(received.compactMap(\.id)).count == 1, "one webhook-id for every attempt: \(received.map { $0.id ?? "" })")
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"darkroom_notifications_total{result="retry"} 3"# + "\n"), "\(metrics)")
        #expect(metrics.contains("darkroom_notifications_pending 0.0\n"), "\(metrics)")
        let page = try await server.request("GET", "/tasks/pub-retry").text
        #expect(page.contains("<h2>Notifications</h2>") && page.components(separatedBy: "HTTP 500").count == 4 && page.contains("HTTP 200"), "\(page)")
        #expect(page.contains(#"<span class="badge badge-delivered">delivered</span>"#))
        await server.stop()
    }

    /// 410 Gone: the endpoint wants no more, and gets no more.
    @Test func aGoneReceiverIsNotTriedAgain() async throws {
        let folder = try makeTemporaryFolder("notify-gone")
        let receiver = try await WebhookReceiver(secret: Self.secret, plan: ["/hook": [410]], folder: folder)
        let server = try await serve(folder.appendingPathComponent("data"), receiver)
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-410", url: media.url("clip.mp4"))).status == 200)
        let gone = try await deliveries(server, "pub-410") { $0.first?["state"] as? String == "gone" }
        #expect((gone.first?["attempts"] as? [Any])?.count == 1)
        #expect(gone.first?["next_attempt_at"] == nil)
        #expect(try receiver.received().map(\.status) == [410])
        await server.stop()
    }

    /// An event the endpoint refused (410) is listed by `darkroom events --failed`, and sent
    /// again, under its webhook-id, by the API and by the command line.
    @Test func anEventIsRedeliveredByTheAPIAndTheCommandLine() async throws {
        let folder = try makeTemporaryFolder("notify-redeliver")
        let data = folder.appendingPathComponent("data")
        let receiver = try await WebhookReceiver(secret: Self.secret, plan: ["/hook": [410]], folder: folder)
        let server = try await serve(data, receiver)
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-again", url: media.url("clip.mp4"))).status == 200)
        _ = try await deliveries(server, "pub-again") { $0.first?["state"] as? String == "gone" }
        let listed = try await runDarkroom(["events", "--data", data.path, "--failed"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let line = try #require(listed.stdout.split(separator: "\n").first.map(String.init))
        let id = try #require(line.split(separator: " ").dropFirst().first.map(String.init))
        #expect(line.contains("task.archived  pub-again") && line.hasSuffix("gone after 1 attempt(s)"), "\(line)")

        let api = try await server.request("POST", "/v1/events/\(id)/redeliver")
        #expect(api.status == 200, "\(api.text)")
        _ = try await deliveries(server, "pub-again") { $0.first?["state"] as? String == "delivered" }
        let cli = try await runDarkroom(["redeliver", id, "--data", data.path])
        #expect(cli.status == 0 && cli.stdout == "event \(id) (task.archived, task pub-again) is due again at 1 endpoint(s)\n", "\(cli.stdout) \(cli.stderr)")
        _ = try await deliveries(server, "pub-again") { ($0.first?["attempts"] as? [Any])?.count == 3 && $0.first?["state"] as? String == "delivered" }

        let received = try receiver.received()
        #expect(received.map(\.status) == [410, 200, 200])
        #expect(received.allSatisfy { $0.verified && $0.id == id }, "\(received.map { $0.error ?? $0.id ?? "" })")
        #expect(try await runDarkroom(["events", "--data", data.path, "--failed"]).stdout == "", "delivered now")
        let unknown = try await runDarkroom(["redeliver", "evt_none", "--data", data.path])
        #expect(unknown.status == 1 && unknown.stderr == "darkroom: no event evt_none\n", "\(unknown.stderr)")
        #expect(try await server.request("POST", "/v1/events/evt_none/redeliver").status == 404)
        await server.stop()
    }

    /// The receiver is down when the task is archived, and Darkroom is SIGKILLed before it is
    /// back: once both are up again, the event arrives (at least once, across crashes).
    @Test func anEventOutlivesADownReceiverAndAKilledDarkroom() async throws {
        let folder = try makeTemporaryFolder("notify-crash")
        let data = folder.appendingPathComponent("data")
        // A port outside the ephemeral range, so that it is free again when the receiver comes back.
        let port = try freePort()
        let first = try await WebhookReceiver(secret: Self.secret, port: port, folder: folder)
        try await first.stop()
        let server = try await serve(data, first, extra: ["--notify-retry-base-seconds", "1", "--notify-timeout", "2"])
        let media = try await clipServer()
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "pub-crash", url: media.url("clip.mp4"))).status == 200)
        let failing = try await deliveries(server, "pub-crash") { ($0.first?["attempts"] as? [Any])?.isEmpty == false }
        #expect((failing.first?["attempts"] as? [[String: Any]])?.first?["error"] is String, "no answer: \(failing)")
        let backlog = try await server.request("GET", "/metrics").text
        #expect(backlog.contains("darkroom_notifications_pending 1.0\n"), "\(backlog)")
        #expect(await server.stop(SIGKILL) == SIGKILL)

        let receiver = try await WebhookReceiver(secret: Self.secret, port: port, folder: folder)
        let again = try await serve(data, receiver, extra: ["--notify-retry-base-seconds", "1", "--notify-timeout", "2"])
        _ = try await deliveries(again, "pub-crash") { $0.first?["state"] as? String == "delivered" }
        let received = try receiver.received()
        #expect(received.count == 1 && received.first?.verified == true, "\(received)")
        #expect(received.first?.payload?["type"] as? String == "task.archived")
        await again.stop()
    }

    @Test func notifyWithoutASecretIsRefused() async throws {
        let folder = try makeTemporaryFolder("notify-no-secret")
        let result = try await runDarkroom(["serve", "--data", folder.path, "--port", "0", "--notify", "http://127.0.0.1:9/hook"], timeout: .seconds(60))
        #expect(result.status == 64)
        #expect(result.stderr.contains("notify needs notify-secret"), "\(result.stderr)")
        let badFilter = try await runDarkroom(["serve", "--data", folder.path, "--port", "0", "--notify", "http://127.0.0.1:9/hook#task.deleted"],
                                              environment: ["DARKROOM_NOTIFY_SECRET": Self.secret], timeout: .seconds(60))
        #expect(badFilter.status == 64)
        #expect(badFilter.stderr.contains("after # come the event types it takes"), "\(badFilter.stderr)")
    }
}
