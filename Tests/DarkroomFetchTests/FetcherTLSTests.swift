import DarkroomFetch
import DarkroomTestSupport
import Foundation
import Testing

/// Downloads over TLS from nginx on 127.0.0.1 with certificates of a test CA made for the run:
/// a trusted server works (over HTTP/2 where it is offered), and each way a server can fail to
/// prove itself is refused with a message that says which.
@Suite struct FetcherTLSTests {
    let folder: URL

    init() throws {
        folder = try makeTemporaryFolder("tls-fetch")
    }

    func destination(_ name: String = "file.bin") -> String { folder.appendingPathComponent(name).path }

    func fetcher(caBundle: String?, policy: AddressPolicy = AddressPolicy(allowPrivate: true)) -> Fetcher {
        Fetcher(options: FetchOptions(retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)), addressPolicy: policy, caBundle: caBundle))
    }

    func refusal(_ url: URL, caBundle: String?) async -> FetchError? {
        await #expect(throws: FetchError.self) {
            try await fetcher(caBundle: caBundle).fetch(url, to: destination())
        }
    }

    @Test func aServerOfATrustedCAIsFetchedOverHTTP2() async throws {
        let server = try await SharedTLSServer.shared.server()
        let result = try await fetcher(caBundle: server.caBundle).fetch(server.url(.good), to: destination())
        #expect(result.httpVersion == "2")
        #expect(result.sha256 == (try await sha256sum(destination())))
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination())) == server.body)
    }

    @Test func anUnknownCAIsRefused() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.good), caBundle: server.otherCABundle)
        #expect(error?.description.contains("the server's certificate is not trusted: SSL certificate problem: unable to get local issuer certificate") == true,
                "\(error?.description ?? "")")
        #expect(error?.isTransient == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test func theSystemsCAsDoNotTrustATestCA() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.good), caBundle: nil)
        #expect(error?.description.contains("not trusted") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("--ca-bundle adds a private CA") == true, "\(error?.description ?? "")")
    }

    @Test func aCertificateForAnotherHostIsRefused() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.wrongHost), caBundle: server.caBundle)
        #expect(error?.description.contains("no alternative certificate subject name matches target host name '127.0.0.1'") == true,
                "\(error?.description ?? "")")
    }

    @Test func anExpiredCertificateIsRefused() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.expired), caBundle: server.caBundle)
        #expect(error?.description.contains("certificate has expired") == true, "\(error?.description ?? "")")
    }

    @Test func aServerBelowTLS12IsRefused() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.oldTLS), caBundle: server.caBundle)
        let message = error?.description ?? ""
        #expect(message.contains("no TLS connection: ") && message.contains("(Darkroom speaks TLS 1.2 and later only)"), "\(message)")
        #expect(message.contains("protocol version") || message.contains("unsupported protocol"), "\(message)")
    }

    @Test func aRedirectFromHTTPSToHTTPIsRefused() async throws {
        let server = try await SharedTLSServer.shared.server()
        let error = await refusal(server.url(.good, "to-http"), caBundle: server.caBundle)
        #expect(error?.cause == .refusedAddress("a redirect from https to another scheme (http) is not followed"), "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
        // The same file over plain http is fine when asked for directly: only the downgrade is refused.
        let plain = try await fetcher(caBundle: server.caBundle).fetch(server.url(.plain), to: destination())
        #expect(plain.bytes == Int64(server.body.count))
    }

    @Test func theAddressPolicyJudgesTheConnectedAddressUnderTLS() async throws {
        let server = try await SharedTLSServer.shared.server()
        let url = server.url(.good, host: "localhost")
        let error = await #expect(throws: FetchError.self) {
            try await fetcher(caBundle: server.caBundle, policy: AddressPolicy()).fetch(url, to: destination())
        }
        guard case .refusedAddress(let reason)? = error?.cause else {
            Issue.record("expected a refused address, got \(String(describing: error))")
            return
        }
        #expect(reason == "127.0.0.1 is a loopback address" || reason == "::1 is a loopback address", "\(reason)")
        let allowed = try await fetcher(caBundle: server.caBundle).fetch(url, to: destination())
        #expect(allowed.httpVersion == "2")
    }
}
