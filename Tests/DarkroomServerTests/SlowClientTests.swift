@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// Clients that send half a request and wait are cut off; idle ones do not crowd out a real
/// callback.
@Suite struct SlowClientTests {
    @Test(arguments: [
        ("half a head", "POST /v1/callbacks/kling HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"),
        ("a head and half its body", "POST /v1/callbacks/kling HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"task_id\""),
        ("nothing at all", ""),
    ])
    func aHalfSentRequestIsCutOffAfterItsTimeOut(_ what: String, _ bytes: String) async throws {
        let settings = try testSettings("slow") {
            $0.idleTimeout = .seconds(1)
            $0.bodyTimeout = .seconds(1)
        }
        try await withLiveServer(settings) { port in
            let closed = try await RawHTTPClient.timeToClose(port: port, after: Data(bytes.utf8), limit: .seconds(20))
            #expect(closed != nil, "\(what): the connection was still open after 20 s")
        }
    }

    @Test func hundredsOfIdleConnectionsDoNotHoldUpACallback() async throws {
        let settings = try testSettings("idle-crowd")
        let body = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await withLiveServer(settings) { port in
            let idle = try (0..<300).map { _ in try RawHTTPClient.connect(port: port) }
            defer { idle.forEach { close($0) } }
            let answer = try await RawHTTPClient.send(port: port, "POST", "/v1/callbacks/kling", body: body)
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        }
    }

    /// A server stopped while connections still arrive stops cleanly: stopped by cancelling its
    /// task instead, a connection accepted but not yet served crashed the whole test process.
    @Test func aServerStoppedWhileConnectionsArriveStopsCleanly() async throws {
        for round in 0..<20 {
            let settings = try testSettings("stop-\(round)")
            let opened = try await withLiveServer(settings) { port in
                (0..<50).compactMap { _ in try? RawHTTPClient.connect(port: port) }
            }
            opened.forEach { close($0) }
            #expect(!opened.isEmpty)
        }
    }
}
