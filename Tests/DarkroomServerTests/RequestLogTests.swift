@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// What the service writes to its log: never a credential, never a line a caller forged.
@Suite struct RequestLogTests {
    @Test func credentialsInTheQueryNeverReachTheLog() async throws {
        let lines = LogLines()
        let settings = try testSettings("log-redact") {
            $0.tokens = ["callback-s3cr3t-value"]
            $0.adminTokens = ["admin-s3cr3t-value"]
        }
        let app = try await buildApplication(settings: settings, logger: lines.logger(level: .trace))
        let body = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await app.test(.router) { client in
            #expect(try await client.postCallback(body, query: "?token=callback-s3cr3t-value&project=summer").status == .ok)
            #expect(try await client.postCallback(body, query: "?token=wrong-guess-value").status == .unauthorized)
            _ = try await client.execute(uri: "/v1/tasks?admin_token=admin-s3cr3t-value&limit=1", method: .get)
            _ = try await client.execute(uri: "/?admin_token=admin-s3cr3t-value", method: .get)
        }
        let text = lines.all.joined(separator: "\n")
        #expect(!text.isEmpty)
        for secret in ["callback-s3cr3t-value", "wrong-guess-value", "admin-s3cr3t-value"] {
            #expect(!text.contains(secret), "the log holds \(secret):\n\(text)")
        }
        #expect(text.contains("token=REDACTED&project=summer"), "\(text)")
    }

    @Test func textFromOutsideCannotForgeALogLine() throws {
        let lines = LogLines()
        let logger = Logger(label: "darkroom-test") { _ in EscapingLogHandler(lines.handler(level: .trace)) }
        var task = logger
        task[metadataKey: "task_id"] = "x\nlevel=critical forged=1"
        task.error("callback not stored: \("id\r\n2026-01-01 critical: forged \u{1b}[31m\u{2028}\u{202e}")", metadata: ["error": "a\nb"])
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1b}") && !line.contains("\u{2028}") && !line.contains("\u{202e}"))
        #expect(line.contains(#"x\u{a}level=critical"#), "\(line)")
        #expect(line.contains(#"id\u{d}\u{a}2026"#), "\(line)")
    }

    /// Metadata changes with every request (its id, the task's): the handler behind the escaping
    /// step must not be told each time, since a stream handler formats all of it again then.
    @Test func metadataChangesStayInTheEscapingHandlerUntilALineIsWritten() throws {
        let lines = LogLines()
        let changes = Changes()
        var logger = Logger(label: "darkroom-test") { _ in
            EscapingLogHandler(MetadataCounting(inner: lines.handler(level: .trace), changes: changes))
        }
        let before = changes.count.withLock { $0 }
        for request in 1...3 { logger[metadataKey: "request"] = "\(request)" }
        logger.error("stored")
        #expect(changes.count.withLock { $0 } == before)
        #expect(try #require(lines.all.first).contains("request=3"))
    }

    private final class Changes: Sendable {
        let count = Mutex(0)
    }

    private struct MetadataCounting: LogHandler {
        var inner: LogLines.Handler
        let changes: Changes

        var logLevel: Logger.Level {
            get { inner.logLevel }
            set { inner.logLevel = newValue }
        }

        var metadata: Logger.Metadata {
            get { inner.metadata }
            set {
                changes.count.withLock { $0 += 1 }
                inner.metadata = newValue
            }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { inner.metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) { inner.log(event: event) }
    }
}

/// Log lines kept in memory, one string per call, metadata included.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "darkroom-test") { _ in self.handler(level: level) }
        logger.logLevel = level
        return logger
    }

    func handler(level: Logger.Level) -> Handler {
        Handler(lines: self, logLevel: level)
    }

    struct Handler: LogHandler {
        let lines: LogLines
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.level) \(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.lines.withLock { $0.append(text) }
        }
    }
}
