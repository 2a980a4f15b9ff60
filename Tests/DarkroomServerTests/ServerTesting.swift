import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
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
