import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing

/// Settings for an in-process server on a data folder of the test's own, taking callbacks only
/// (no workers) unless `configure` says otherwise.
func testSettings(_ label: String, _ configure: (inout ServerSettings) -> Void = { _ in }) throws -> ServerSettings {
    var settings = ServerSettings(data: try makeTemporaryFolder(label))
    settings.port = 0
    settings.allowPrivate = true
    settings.downloadWorkers = 0
    settings.mediaWorkers = 0
    configure(&settings)
    return settings
}

/// Runs `test` against the router of an application built from `settings` (no socket, no workers).
func withRouter<Value>(_ settings: ServerSettings, _ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
    let app = try await buildApplication(settings: settings, logger: quietLogger())
    return try await app.test(.router, test)
}

func quietLogger() -> Logger {
    var logger = Logger(label: "darkroom-test")
    logger.logLevel = .critical
    return logger
}

extension TestClientProtocol {
    /// POSTs a callback body to the endpoint, with a query string and headers.
    func postCallback(_ body: Data, query: String = "", headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: "/v1/callbacks/kling" + query, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

extension TestResponse {
    var json: [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
    }

    /// Hummingbird's error body: `{"error": {"message": …}}`.
    var errorMessage: String? {
        (json?["error"] as? [String: Any])?["message"] as? String
    }
}

/// A server on 127.0.0.1 that serves the 2 s H.264/AAC test clip at any path.
func clipServer() async throws -> TestHTTPServer {
    let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
    return try TestHTTPServer { request in .file(clip, for: request, contentType: "video/mp4") }
}

/// Settings whose router runs one worker per stage, so that what is posted gets archived.
func archivingSettings(_ label: String, _ configure: (inout ServerSettings) -> Void = { _ in }) throws -> ServerSettings {
    try testSettings(label) {
        $0.downloadWorkers = 1
        $0.mediaWorkers = 1
        configure(&$0)
    }
}

/// A succeeded callback in the legacy shape for one video `v` at `url`, created 2025-11-21 05:20 UTC.
func videoCallback(taskID: String, url: URL, duration: String = "2") -> Data {
    Data("""
        {"task_id": "\(taskID)", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
         "task_result": {"videos": [{"id": "v", "url": "\(url.absoluteString)", "duration": "\(duration)"}]}}
        """.utf8)
}

extension TestClientProtocol {
    /// Posts `body` and waits until the workers have archived task `id`; returns the 200 answer.
    @discardableResult
    func archive(_ body: Data, id: String, query: String = "") async throws -> TestResponse {
        let answer = try await postCallback(body, query: query)
        try #require(answer.status == .ok, "\(String(buffer: answer.body))")
        try await waitUntil("task \(id) is archived", timeout: .seconds(60)) {
            try await execute(uri: "/v1/tasks/\(id)", method: .get).json?["state"] as? String == "archived"
        }
        return answer
    }
}

/// Runs the application built from `settings` on a real socket and hands `test` its port, for
/// tests that speak raw HTTP. No test client: HummingbirdTesting's live client connects at the
/// start and gives up after 5 s to connect and 20 s to read, which a loaded machine (the whole
/// suite starting at once on 2 cores) passed; raw sockets wait as long as the server takes.
///
/// The server is shut down gracefully, as `serve` is by SIGTERM, never cancelled: cancelled, it
/// crashes the test process when a connection was accepted but not yet served ("Deinited
/// NIOAsyncWriter without calling finish()", swift-nio#3481).
func withLiveServer<Value: Sendable>(_ settings: ServerSettings, _ test: @Sendable (Int) async throws -> Value) async throws -> Value {
    let (ports, listening) = AsyncStream.makeStream(of: Int.self)
    let app = try await buildApplication(settings: settings, logger: quietLogger()) { port in listening.yield(port) }
    let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quietLogger()))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result: Result<Value, any Error>
        do {
            result = .success(try await test(port))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}
