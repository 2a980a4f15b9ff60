import DarkroomFetch
import DarkroomTestSupport
import Foundation
import Testing

/// Each test starts a server that misbehaves in one way and checks the outcome, the bytes on
/// disk and the kind of error.
@Suite struct FetcherFaultTests {
    let body = pseudoRandomBytes(4 * 1024 * 1024 + 17, seed: 42)
    let folder: URL

    init() throws {
        folder = try makeTemporaryFolder("faults")
    }

    var destination: String { folder.appendingPathComponent("clip.mp4").path }

    func folderContents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func onDisk() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: destination)) }

    /// The first answer breaks off after 1 MiB; the next are served as they are asked.
    func serverDroppingFirstResponse(_ respond: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse) throws -> TestHTTPServer {
        let counter = RequestCounter()
        return try TestHTTPServer { request in
            var response = respond(request)
            if counter.next() == 1 { response.dropAfter = 1024 * 1024 }
            return response
        }
    }

    /// Serves `body` with Range support and `headers`, breaking off the first answer after 1 MiB.
    func fileServerDroppingFirstResponse(headers: [(String, String)]) throws -> TestHTTPServer {
        let body = body
        return try serverDroppingFirstResponse { request in
            var response = TestHTTPResponse.file(body, for: request)
            response.headers += headers
            return response
        }
    }

    @Test func aDroppedConnectionResumesWithRange() async throws {
        let server = try fileServerDroppingFirstResponse(headers: [("ETag", "\"v1\"")])
        let last = LastProgress()
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination) { last.record($0) }
        #expect(try onDisk() == body)
        #expect(last.value == FetchProgress(received: Int64(body.count), expected: Int64(body.count)), "progress counts the resumed part")
        #expect(result.sha256 == (try await sha256sum(destination)))
        #expect(result.attempts == 2)
        let requests = server.receivedRequests
        #expect(requests.count == 2)
        #expect(requests[0].header("Range") == nil)
        #expect(requests[1].header("Range") == "bytes=1048576-")
        #expect(requests[1].header("If-Range") == "\"v1\"")
        #expect(try folderContents() == ["clip.mp4"])
    }

    @Test func lastModifiedAloneIsEnoughToResume() async throws {
        let server = try fileServerDroppingFirstResponse(headers: [("Last-Modified", "Sat, 21 Nov 2026 05:22:12 GMT")])
        _ = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body)
        #expect(server.receivedRequests.last?.header("If-Range") == "Sat, 21 Nov 2026 05:22:12 GMT")
    }

    /// Nothing vouches for the version (no validator, or only a weak ETag, which If-Range may not carry).
    @Test(arguments: [[], [("ETag", "W/\"v1\"")]] as [[(String, String)]])
    func withoutAStrongValidatorItStartsOver(_ headers: [(String, String)]) async throws {
        let server = try fileServerDroppingFirstResponse(headers: headers)
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body)
        #expect(result.attempts == 2)
        #expect(server.receivedRequests.count == 2)
        #expect(server.receivedRequests.last?.header("Range") == nil, "nothing vouches for the version, so no resume")
    }

    @Test func aServerWithoutRangeSupportIsStartedOver() async throws {
        let body = body
        let server = try serverDroppingFirstResponse { _ in
            TestHTTPResponse(headers: [("ETag", "\"v1\"")], body: body)
        }
        let last = LastProgress()
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination) { last.record($0) }
        #expect(server.receivedRequests.last?.header("Range") == "bytes=1048576-")
        #expect(try onDisk() == body, "the whole 200 body replaced the partial file")
        #expect(last.value == FetchProgress(received: Int64(body.count), expected: Int64(body.count)), "no resume offset on a 200")
        #expect(result.sha256 == (try await sha256sum(destination)))
        #expect(result.bytes == Int64(body.count))
    }

    @Test func aFileThatChangedDuringTheDownloadIsStartedOver() async throws {
        let old = body
        let new = pseudoRandomBytes(3 * 1024 * 1024, seed: 7)
        // The file is replaced after the first request. A careless server: it honours Range but
        // not If-Range, so its 206 continues the new file and carries the new ETag.
        let versions = RequestCounter()
        let server = try serverDroppingFirstResponse { request in
            let (data, etag) = versions.next() == 1 ? (old, "\"v1\"") : (new, "\"v2\"")
            var response = TestHTTPResponse.file(data, for: request)
            response.headers.append(("ETag", etag))
            return response
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == new)
        #expect(result.etag == "\"v2\"")
        #expect(result.attempts == 3, "the mismatched 206 was refused, then the new file fetched whole")
        #expect(result.sha256 == (try await sha256sum(destination)))
    }

    @Test func aPartialAnswerAtAnotherOffsetIsRefusedAndStartedOver() async throws {
        let body = body
        // Answers every Range with the file from byte 0, mislabelled as the range asked for.
        let server = try serverDroppingFirstResponse { request in
            guard request.header("Range") != nil else {
                return TestHTTPResponse(headers: [("ETag", "\"v1\"")], body: body)
            }
            return TestHTTPResponse(status: 206, headers: [("ETag", "\"v1\""), ("Content-Range", "bytes 0-\(body.count - 1)/\(body.count)")], body: body)
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body)
        #expect(result.attempts == 3, "the wrong 206 was refused, then the file fetched whole")
        #expect(server.receivedRequests.map { $0.header("Range") } == [nil, "bytes=1048576-", nil])
    }

    @Test func serverErrorThenSuccess() async throws {
        let body = body
        let counter = RequestCounter()
        let server = try TestHTTPServer { request in
            counter.next() == 1 ? TestHTTPResponse(status: 500, body: Data("oops".utf8)) : .file(body, for: request)
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body, "the error page was not kept")
        #expect(result.attempts == 2)
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let body = body
        let counter = RequestCounter()
        let server = try TestHTTPServer { request in
            counter.next() == 1 ? TestHTTPResponse(status: 429, headers: [("Retry-After", "1")]) : .file(body, for: request)
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body)
        let requests = server.receivedRequests
        #expect(requests.count == 2)
        let waited = requests[1].receivedAt - requests[0].receivedAt
        #expect(waited >= .seconds(1), "waited \(waited), the server asked for 1 s")
        #expect(result.attempts == 2)
    }

    @Test func aRetryAfterLongerThanTheCapEndsTheFetch() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(status: 503, headers: [("Retry-After", "3600")]) }
        let error = await #expect(throws: FetchError.self) {
            try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.cause == .httpStatus(503))
        #expect(error?.retryAfter == 3600, "left for the job queue to honour")
        #expect(error?.isTransient == true)
        #expect(server.receivedRequests.count == 1)
    }

    @Test func aRedirectChainIsFollowed() async throws {
        let body = body
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/a": TestHTTPResponse(status: 302, headers: [("Location", "/b")])
            case "/b": TestHTTPResponse(status: 301, headers: [("Location", "/c")])
            case "/c": TestHTTPResponse(status: 302, headers: [("Location", "/clip.mp4")])
            default: .file(body, for: request)
            }
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("a"), to: destination)
        #expect(try onDisk() == body)
        #expect(result.finalURL == server.url("clip.mp4").absoluteString)
        #expect(server.receivedRequests.map(\.path) == ["/a", "/b", "/c", "/clip.mp4"])
    }

    @Test func aRedirectLoopStopsAtTheLimit() async throws {
        let server = try TestHTTPServer { request in
            let hop = Int(request.path.dropFirst()) ?? 0
            return TestHTTPResponse(status: 302, headers: [("Location", "/\(hop + 1)")])
        }
        let error = await #expect(throws: FetchError.self) {
            try await FetcherBasics.fetcher().fetch(server.url("0"), to: destination)
        }
        #expect(error?.transportCode == 47, "CURLE_TOO_MANY_REDIRECTS")
        #expect(error?.isTransient == false)
        #expect(server.receivedRequests.count == 6, "the first request and the 5 redirects allowed")
    }

    /// HTTP frames a body by its Content-Length; bytes past it are not part of the response.
    @Test func aBodyLongerThanItsLengthIsCutAtTheLength() async throws {
        let body = body
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: body, contentLength: 1_000_000) }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(result.bytes == 1_000_000)
        #expect(try onDisk() == body.prefix(1_000_000))
        #expect(result.sha256 == (try await sha256sum(destination)))
    }

    @Test func aBodyShorterThanItsLengthIsResumed() async throws {
        let body = body
        let counter = RequestCounter()
        let server = try TestHTTPServer { request in
            var response = TestHTTPResponse.file(body, for: request)
            response.headers.append(("ETag", "\"v1\""))
            // The first answer promises the whole length and ends early, keeping the connection.
            if counter.next() == 1 { response.dropAfter = 2_000_000 }
            return response
        }
        let result = try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: destination)
        #expect(try onDisk() == body)
        #expect(server.receivedRequests.last?.header("Range") == "bytes=2000000-")
        #expect(result.attempts == 2)
    }

    @Test func aSlowDripBelowTheLowSpeedLimitTimesOut() async throws {
        let body = body
        // 16 KiB every 0.5 s is 32 KiB/s, under the 256 KiB/s asked for.
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: body, delayPerChunk: 0.5) }
        let fetcher = FetcherBasics.fetcher {
            $0.lowSpeedBytesPerSecond = 256 * 1024
            $0.lowSpeedSeconds = 1
            $0.retry.maxAttempts = 1
        }
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.transportCode == 28, "CURLE_OPERATION_TIMEDOUT")
        #expect(error?.isTransient == true)
        #expect(try folderContents() == [])
    }

    /// A drip fast enough for the low-speed check, on a server that would be retried forever,
    /// still ends at the download deadline, retries and waits included.
    @Test func aDripThatPassesTheLowSpeedCheckEndsAtTheDeadline() async throws {
        let body = body
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: body, delayPerChunk: 0.2) }
        let fetcher = FetcherBasics.fetcher {
            $0.lowSpeedBytesPerSecond = 1024
            $0.lowSpeedSeconds = 30
            $0.retry.maxAttempts = 50
            $0.deadline = 2
        }
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.description.hasSuffix("not finished within the download deadline of 2 s") == true, "\(String(describing: error))")
        #expect(error?.isTransient == false)
        #expect(server.receivedRequests.count == 1, "a deadline is not retried")
        #expect(try folderContents() == [])
    }

    @Test func anAnnouncedSizeOverTheLimitIsRefusedBeforeTheBody() async throws {
        let body = body
        let server = try TestHTTPServer { request in .file(body, for: request) }
        let fetcher = FetcherBasics.fetcher { $0.maxBytes = 1_000_000 }
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.cause == .tooLarge(limit: 1_000_000))
        #expect(error?.isTransient == false)
        #expect(server.receivedRequests.count == 1)
        #expect(try folderContents() == [])
    }

    @Test func anUnannouncedSizeOverTheLimitIsCutShort() async throws {
        let body = body
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: body, chunked: true) }
        let fetcher = FetcherBasics.fetcher { $0.maxBytes = 1_000_000 }
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.cause == .tooLarge(limit: 1_000_000))
        #expect(error?.description == server.url("clip.mp4").absoluteString + ": larger than the limit of 1000000 bytes")
        #expect(try folderContents() == [])
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aFullDiskIsADestinationErrorAndLeavesNothing() async throws {
        let mountPoint = folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.path])
        let body = body
        let server = try TestHTTPServer { request in .file(body, for: request) }
        let outcome: Result<FetchResult, FetchError>
        do {
            outcome = .success(try await FetcherBasics.fetcher().fetch(server.url("clip.mp4"), to: mountPoint.appendingPathComponent("clip.mp4").path))
        } catch {
            outcome = .failure(error)
        }
        let leftOver = try FileManager.default.contentsOfDirectory(atPath: mountPoint.path)
        // Busy means a descriptor on the deleted file is still open, keeping its space taken.
        let unmounted = try await runCommand("umount", [mountPoint.path])
        if unmounted.status != 0 {
            _ = try await runCommand("umount", ["-l", mountPoint.path])
            Issue.record("the file system was still busy after the failed download: \(unmounted.stderr)")
        }

        guard case .failure(let error) = outcome, case .destination(let reason) = error.cause else {
            Issue.record("expected a destination error, got \(outcome)")
            return
        }
        #expect(reason.hasSuffix("No space left on device"))
        #expect(error.isTransient == false)
        #expect(leftOver == [])
    }
}
