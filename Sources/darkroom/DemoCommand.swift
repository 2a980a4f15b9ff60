import ArgumentParser
import DarkroomCore
import DarkroomMedia
import DarkroomServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See Darkroom work in a minute, with no account and no network.",
        discussion: """
            Makes a 5 s sample clip (with FFmpeg's libraries, no ffmpeg command needed), serves it on \
            127.0.0.1 as a generator's CDN would, posts a signed succeeded callback for it, waits until \
            the task is archived and prints where its folder and index file are. Without --server it \
            starts a server of its own in this process on --data; with --server it posts to a running \
            `darkroom serve` (started with --allow-private, so it may download from this machine), \
            signing with --webhook-secret or sending --token as that server expects.
            """
    )

    @Option(help: "A running server, e.g. http://127.0.0.1:8080. Default: one of its own, in this process.")
    var server: String?

    @Option(help: "The running server's webhook secret (whsec_…), to sign the callback.")
    var webhookSecret: String?

    @Option(help: "The running server's token, if it takes tokens rather than signatures.")
    var token: String?

    @Option(help: "The running server's admin token, to follow the task through its API.")
    var adminToken: String?

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        var logger = Logger(label: "darkroom-demo")
        logger.logLevel = .warning
        FFmpegLogging.configure(verbose: false)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-demo-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = folder.appendingPathComponent("sample.mp4")
        say("making a 5 s sample clip")
        try SampleClip.write(to: clip)
        let clipBytes = try Data(contentsOf: clip)

        let secret = webhookSecret ?? (server == nil ? "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() : nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running: [ServiceGroup] = []
            let cdn = try await start(group: &group, running: &running, logger: logger) { onListening in
                let router = Router()
                router.get("/sample.mp4") { _, _ in
                    Response(status: .ok, headers: [.contentType: "video/mp4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: clipBytes)))
                }
                return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { await onListening($0.localAddress?.port ?? 0) }, logger: logger)
            }
            let base: URL
            if let server {
                guard let url = URL(string: server) else { throw ValidationError("--server is not a URL: \(server)") }
                base = url
            } else {
                var settings = ServerSettings(data: URL(fileURLWithPath: dataOptions.data))
                settings.port = 0
                settings.allowPrivate = true
                settings.webhookSecrets = [WebhookSignature.Secret(secret!)!]
                let port = try await start(group: &group, running: &running, logger: logger) { onListening in
                    try await buildApplication(settings: settings, logger: logger, onListening: onListening)
                }
                base = URL(string: "http://127.0.0.1:\(port)")!
                say("started a server on \(base.absoluteString), data in \(settings.data.path)")
            }
            do {
                try await post(to: base, clipURL: "http://127.0.0.1:\(cdn)/sample.mp4", secret: secret)
            } catch {
                for service in running { await service.triggerGracefulShutdown() }
                throw error
            }
            for service in running { await service.triggerGracefulShutdown() }
        }
    }

    /// Runs the application made by `make` in `group` and returns the port it listens on; the
    /// application's service group is added to `running`, to be shut down gracefully.
    private func start<App: ApplicationProtocol>(
        group: inout ThrowingTaskGroup<Void, any Error>, running: inout [ServiceGroup], logger: Logger,
        _ make: (@escaping @Sendable (Int) async -> Void) async throws -> App
    ) async throws -> Int {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let app = try await make { port in listening.yield(port) }
        let service = ServiceGroup(services: [app], logger: logger)
        running.append(service)
        group.addTask { try await service.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationError("a server did not start") }
        return port
    }

    private func post(to base: URL, clipURL: String, secret: String?) async throws {
        let taskID = "demo-\(Int(Date().timeIntervalSince1970))"
        let now = Date().millisecondsSince1970
        let body = Data("""
            {"task_id": "\(taskID)", "task_status": "succeed", "created_at": \(now), "updated_at": \(now),
             "task_result": {"videos": [{"id": "demo-video", "url": "\(clipURL)", "duration": "5"}]}}
            """.utf8)
        var request = URLRequest(url: base.appendingPathComponent("v1/callbacks/kling"))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let secret, let key = WebhookSignature.Secret(secret) {
            let id = "msg_\(taskID)"
            let timestamp = String(Int(Date().timeIntervalSince1970))
            request.setValue(id, forHTTPHeaderField: "webhook-id")
            request.setValue(timestamp, forHTTPHeaderField: "webhook-timestamp")
            request.setValue(WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: key), forHTTPHeaderField: "webhook-signature")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (answer, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw fail("the server answered \(status) to the callback: \(String(decoding: answer, as: UTF8.self))")
        }
        say("posted a signed callback for task \(taskID); the server stored it and answered 200")

        let taskURL = base.appendingPathComponent("v1/tasks/\(taskID)")
        var shown = ""
        let deadline = ContinuousClock.now + .seconds(300)
        var poll = URLRequest(url: taskURL)
        if let adminToken { poll.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization") }
        while ContinuousClock.now < deadline {
            let (data, _) = try await URLSession.shared.data(for: poll)
            let task = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            let state = task["state"] as? String ?? "?"
            if state != shown {
                say("task \(taskID): \(state)")
                shown = state
            }
            if state == "archived", let folder = task["folder"] as? String {
                let verdict = task["verdict"] as? String ?? "?"
                print("archived task \(taskID) (verdict \(verdict))")
                if server == nil {
                    let path = dataOptions.layout.url(ofFolder: folder).path
                    print("task folder: \(path)")
                    print("index file:  \(path)/index.json")
                } else {
                    // Where the server keeps its archive is the server's own business: the task's
                    // folder is given as the task JSON gives it, relative to that archive.
                    print("task folder: \(folder) (in the server's archive)")
                    print("index file:  \(taskURL.absoluteString)/files/index.json")
                    print("task JSON:   \(taskURL.absoluteString)")
                }
                return
            }
            if state == "failed" {
                throw fail("task \(taskID) failed: \(task["last_error"] as? String ?? "no reason given")")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw fail("task \(taskID) was not archived within 5 minutes")
    }

    private func say(_ text: String) {
        FileHandle.standardError.write(Data("demo: \(text)\n".utf8))
    }
}
