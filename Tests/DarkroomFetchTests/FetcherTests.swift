import DarkroomFetch
import DarkroomTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct FetcherBasics {
    let body = pseudoRandomBytes(5 * 1024 * 1024 + 123)
    let folder: URL
    let server: TestHTTPServer

    init() throws {
        folder = try makeTemporaryFolder("fetch")
        let body = body
        server = try TestHTTPServer { request in
            switch request.path {
            case "/media/clip.mp4", "/media/clip.mp4?sig=secret":
                var response = TestHTTPResponse.file(body, for: request, contentType: "video/mp4")
                response.headers += [("ETag", "\"v1\""), ("Last-Modified", "Sat, 21 Nov 2026 05:22:12 GMT")]
                return response
            case "/chunked":
                return TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: body, chunked: true)
            case "/redirect":
                return TestHTTPResponse(status: 302, headers: [("Location", "/media/clip.mp4")])
            case "/to-file":
                return TestHTTPResponse(status: 302, headers: [("Location", "file:///etc/passwd")])
            case "/short":
                return TestHTTPResponse(body: body, dropAfter: 1024 * 1024)
            case "/unavailable":
                return TestHTTPResponse(status: 503, body: Data("try later".utf8))
            case "/slow":
                return TestHTTPResponse(body: body, delayPerChunk: 0.05)
            default:
                return .notFound()
            }
        }
    }

    /// Loopback allowed (the test server is on it), and quick retries.
    static func fetcher(_ configure: (inout FetchOptions) -> Void = { _ in }) -> Fetcher {
        var options = FetchOptions(
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)),
            addressPolicy: AddressPolicy(allowPrivate: true)
        )
        configure(&options)
        return Fetcher(options: options)
    }

    func destination(_ name: String = "clip.mp4") -> String { folder.appendingPathComponent(name).path }

    /// The folder holds exactly these names: no temporary file was left behind.
    func folderContents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func streamsTheBodyToDiskAndHashesIt() async throws {
        let result = try await Self.fetcher().fetch(server.url("media/clip.mp4"), to: destination())
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination())) == body)
        #expect(result.sha256 == (try await sha256sum(destination())))
        #expect(result.bytes == Int64(body.count))
        #expect(result.httpStatus == 200)
        #expect(result.contentType == "video/mp4")
        #expect(result.etag == "\"v1\"")
        #expect(result.lastModified == "Sat, 21 Nov 2026 05:22:12 GMT")
        #expect(try folderContents() == ["clip.mp4"])
    }

    @Test func chunkedBodyWithoutLength() async throws {
        let result = try await Self.fetcher().fetch(server.url("chunked"), to: destination())
        #expect(result.bytes == Int64(body.count))
        #expect(result.sha256 == (try await sha256sum(destination())))
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination())) == body)
    }

    @Test func followsRedirects() async throws {
        let result = try await Self.fetcher().fetch(server.url("redirect"), to: destination())
        #expect(result.finalURL == server.url("media/clip.mp4").absoluteString)
        #expect(result.bytes == Int64(body.count))
    }

    @Test func replacesAnExistingFileWhole() async throws {
        try Data(repeating: 0xAA, count: 10 * 1024 * 1024).write(to: URL(fileURLWithPath: destination()))
        _ = try await Self.fetcher().fetch(server.url("media/clip.mp4"), to: destination())
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination())) == body)
    }

    @Test func progressIsReported() async throws {
        let last = LastProgress()
        _ = try await Self.fetcher().fetch(server.url("media/clip.mp4"), to: destination()) { last.record($0) }
        #expect(last.value == FetchProgress(received: Int64(body.count), expected: Int64(body.count)))
    }

    @Test func eightAtOnce() async throws {
        let fetcher = Self.fetcher()
        let results = try await withThrowingTaskGroup(of: FetchResult.self) { group in
            for index in 0..<8 {
                group.addTask { try await fetcher.fetch(server.url("media/clip.mp4"), to: destination("clip-\(index).mp4")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        let expected = try await sha256sum(destination("clip-0.mp4"))
        for index in 0..<8 {
            #expect(try Data(contentsOf: URL(fileURLWithPath: destination("clip-\(index).mp4"))) == body)
        }
        #expect(results.allSatisfy { $0.sha256 == expected })
    }

    @Test func notFoundIsPermanentAndLeavesNothing() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("missing.mp4"), to: destination())
        }
        #expect(error?.cause == .httpStatus(404))
        #expect(error?.isTransient == false)
        #expect(server.receivedRequests.count == 1, "a 404 is not retried")
        #expect(error?.description == server.url("missing.mp4").absoluteString + ": HTTP 404")
        #expect(try folderContents() == [])
    }

    @Test func serverErrorIsTransient() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("unavailable"), to: destination())
        }
        #expect(error?.cause == .httpStatus(503))
        #expect(error?.isTransient == true)
        #expect(error?.attempts == 3)
        #expect(server.receivedRequests.count == 3)
        #expect(error?.description == server.url("unavailable").absoluteString + ": HTTP 503 (after 3 attempts)")
        #expect(try folderContents() == [])
    }

    @Test func aBodyCutShortIsAnErrorAndLeavesNothing() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("short"), to: destination())
        }
        // CURLE_PARTIAL_FILE, in the words of libcurl's error buffer, which says how much was missing.
        #expect(error?.cause == .transport(code: 18, message: "transfer closed with 4194427 bytes remaining to read"), "\(String(describing: error))")
        #expect(error?.isTransient == true)
        #expect(error?.attempts == 3)
        #expect(try folderContents() == [])
    }

    @Test func aRedirectToAnotherSchemeIsRefused() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("to-file"), to: destination())
        }
        #expect(error?.transportCode == 1, "CURLE_UNSUPPORTED_PROTOCOL")
        #expect(error?.isTransient == false)
        #expect(server.receivedRequests.count == 1, "a refused redirect is not retried")
        #expect(try folderContents() == [])
    }

    @Test func onlyHTTPAndHTTPSAreFetched() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(URL(string: "ftp://127.0.0.1/clip.mp4")!, to: destination())
        }
        #expect(error?.cause == .badURL("only http and https URLs are fetched"))
    }

    @Test func anUnreachableServerIsTransient() async throws {
        // A port nothing listens on, below the ephemeral range: a stopped server's port was free
        // for any other test's new listener during the retries (seen: a 404 on the second try).
        let url = URL(string: "http://127.0.0.1:\(try freePort())/clip.mp4")!
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(url, to: destination())
        }
        #expect(error?.transportCode == 7, "CURLE_COULDNT_CONNECT")
        #expect(error?.isTransient == true)
        #expect(error?.attempts == 3)
    }

    @Test func messagesNeverShowTheQuery() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("gone").appending(queryItems: [URLQueryItem(name: "sig", value: "secret")]), to: destination())
        }
        #expect(error?.description.contains("secret") == false)
        #expect(error?.description.hasSuffix("/gone?…: HTTP 404") == true)
        #expect(server.receivedRequests.first?.path == "/gone?sig=secret")
    }

    @Test func aDestinationThatCannotBeCreated() async throws {
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher().fetch(server.url("media/clip.mp4"), to: "/nonexistent-folder/clip.mp4")
        }
        guard case .destination(let reason) = error?.cause else {
            Issue.record("expected a destination error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("No such file or directory"))
    }

    @Test func cancellingStopsTheTransferAndLeavesNothing() async throws {
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await Self.fetcher().fetch(server.url("slow"), to: destination()) { progress in
                if progress.received > 0 { started.continuation.yield() }
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        task.cancel()
        let result = await task.result
        guard case .failure(let error as FetchError) = result else {
            Issue.record("expected the download to fail, got \(result)")
            return
        }
        #expect(error.cause == .cancelled)
        #expect(try folderContents() == [])
    }
}

/// The last progress value a download reported; written from libcurl's thread.
final class LastProgress: Sendable {
    private let storage = Mutex<FetchProgress?>(nil)
    func record(_ progress: FetchProgress) { storage.withLock { $0 = progress } }
    var value: FetchProgress? { storage.withLock { $0 } }
}
