import DarkroomFetch
import DarkroomS3
import DarkroomTestSupport
import Foundation
import Testing

/// How the client answers a store that refuses: a scripted HTTP server on 127.0.0.1 stands in
/// for the store's failures (SeaweedFS cannot be told to answer `SlowDown`).
@Suite struct S3RetryTests {
    private func client(_ server: TestHTTPServer) throws -> S3Client {
        let bucket = try S3Bucket(uri: "s3://retry/prefix", endpoint: URL(string: "http://127.0.0.1:\(server.port)")!, region: "us-east-1", pathStyle: true)
        return S3Client(bucket: bucket, credentials: try S3Credentials(accessKey: "key", secretKey: "secret-never-shown"),
                        retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40)))
    }

    private static func error(_ status: Int, _ code: String) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: [("Content-Type", "application/xml")],
                         body: Data("<?xml version=\"1.0\"?><Error><Code>\(code)</Code><Message>said by the store</Message></Error>".utf8))
    }

    @Test func slowDownIsRetriedUntilTheStoreTakesIt() async throws {
        let counter = RequestCounter()
        let server = try TestHTTPServer { _ in counter.next() == 1 ? Self.error(503, "SlowDown") : TestHTTPResponse(status: 200) }
        try await client(server).put(Data("x".utf8), key: "a.txt", contentType: "text/plain")
        #expect(counter.next() == 3, "one refusal, one success")
    }

    @Test func aRefusalIsNotRetriedAndAFaultThatLastsEndsAfterTheAttempts() async throws {
        let denied = RequestCounter()
        let forbidding = try TestHTTPServer { _ in _ = denied.next(); return Self.error(403, "AccessDenied") }
        await #expect { try await client(forbidding).put(Data("x".utf8), key: "a.txt", contentType: "text/plain") } throws: { error in
            (error as? S3Error)?.kind == .denied && !"\(error)".contains("secret-never-shown") && "\(error)".contains("s3://retry/prefix/a.txt")
        }
        #expect(denied.next() == 2, "asked once")

        let failing = RequestCounter()
        let broken = try TestHTTPServer { _ in _ = failing.next(); return Self.error(500, "InternalError") }
        await #expect { try await client(broken).put(Data("x".utf8), key: "a.txt", contentType: "text/plain") } throws: { error in
            (error as? S3Error)?.isTransient == true
        }
        #expect(failing.next() == 5, "four attempts")
    }
}
