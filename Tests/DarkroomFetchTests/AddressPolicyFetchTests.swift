import DarkroomFetch
import DarkroomTestSupport
import Foundation
import Testing

/// The address policy as downloads meet it: applied to the address libcurl connects to, after
/// DNS, and again on every redirect.
@Suite struct AddressPolicyFetchTests {
    let folder: URL
    init() throws { folder = try makeTemporaryFolder("policy") }
    var destination: String { folder.appendingPathComponent("clip.mp4").path }

    static func fetcher(_ policy: AddressPolicy) -> Fetcher {
        Fetcher(options: FetchOptions(retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)), addressPolicy: policy))
    }

    @Test func aNameThatResolvesToLoopbackIsRefused() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: Data("secret".utf8)) }
        let url = URL(string: "http://localhost:\(server.port)/clip.mp4")!
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher(AddressPolicy()).fetch(url, to: destination)
        }
        guard case .refusedAddress(let reason) = error?.cause else {
            Issue.record("expected a refused address, got \(String(describing: error))")
            return
        }
        #expect(reason == "127.0.0.1 is a loopback address" || reason == "::1 is a loopback address")
        #expect(error?.isTransient == false)
        #expect(error?.attempts == 1)
        #expect(server.receivedRequests.isEmpty, "no connection was made")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test func anIPLiteralIsCheckedToo() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: Data("secret".utf8)) }
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher(AddressPolicy()).fetch(server.url("clip.mp4"), to: destination)
        }
        #expect(error?.cause == .refusedAddress("127.0.0.1 is a loopback address"))
        #expect(server.receivedRequests.isEmpty)
    }

    @Test func everyRedirectIsChecked() async throws {
        let inner = try TestHTTPServer(host: "127.0.0.2") { _ in TestHTTPResponse(body: Data("secret".utf8)) }
        let outer = try TestHTTPServer { _ in
            TestHTTPResponse(status: 302, headers: [("Location", inner.url("clip.mp4").absoluteString)])
        }
        // Only the first server's address is allowed; the redirect leads elsewhere in loopback.
        let policy = AddressPolicy(allowedNetworks: [IPNetwork("127.0.0.1/32")!])
        let error = await #expect(throws: FetchError.self) {
            try await Self.fetcher(policy).fetch(outer.url("clip.mp4"), to: destination)
        }
        #expect(error?.cause == .refusedAddress("127.0.0.2 is a loopback address"))
        #expect(outer.receivedRequests.count == 1)
        #expect(inner.receivedRequests.isEmpty)
    }

    @Test func theAllowanceLetsLoopbackThrough() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: Data("fine".utf8)) }
        let url = URL(string: "http://localhost:\(server.port)/clip.mp4")!
        _ = try await Self.fetcher(AddressPolicy(allowPrivate: true)).fetch(url, to: destination)
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "fine")
    }
}

@Suite struct AddressClassificationTests {
    @Test(arguments: [
        ("10.1.2.3", "a private address"), ("172.16.0.1", "a private address"), ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"), ("127.0.0.1", "a loopback address"), ("127.255.0.9", "a loopback address"),
        ("169.254.169.254", "a link-local address"), ("100.64.0.1", "a carrier-grade NAT address"),
        ("100.127.255.255", "a carrier-grade NAT address"), ("224.0.0.251", "a multicast address"),
        ("239.255.255.250", "a multicast address"), ("0.0.0.0", "an unspecified address"),
        ("255.255.255.255", "a reserved address"),
        ("::1", "a loopback address"), ("::", "an unspecified address"), ("fe80::1", "a link-local address"),
        ("fd12:3456::1", "a private address"), ("fc00::1", "a private address"), ("ff02::1", "a multicast address"),
        ("::ffff:10.0.0.1", "a private address"), ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:169.254.169.254", "a link-local address"), ("64:ff9b::192.168.0.1", "a private address"),
        ("2002:c0a8:0101::1", "a private address"),
    ])
    func restricted(_ address: String, _ kind: String) throws {
        let ip = try #require(IPAddress(address))
        #expect(AddressPolicy.restriction(of: ip) == kind)
        #expect(AddressPolicy().refusal(for: ip) == kind)
        #expect(AddressPolicy(allowPrivate: true).refusal(for: ip) == nil)
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "11.0.0.1",
                      "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])
    func publicAddresses(_ address: String) throws {
        let ip = try #require(IPAddress(address))
        #expect(AddressPolicy.restriction(of: ip) == nil)
    }

    @Test func allowedNetworksOpenOnlyThemselves() throws {
        let policy = AddressPolicy(allowedNetworks: [IPNetwork("10.8.0.0/16")!, IPNetwork("fd00:1::/32")!])
        #expect(policy.refusal(for: IPAddress("10.8.200.1")!) == nil)
        #expect(policy.refusal(for: IPAddress("10.9.0.1")!) == "a private address")
        #expect(policy.refusal(for: IPAddress("fd00:1:ffff::1")!) == nil)
        #expect(policy.refusal(for: IPAddress("fd00:2::1")!) == "a private address")
    }

    @Test func networksParse() {
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("nonsense/8") == nil)
        #expect(IPNetwork("192.168.0.0/16")?.description == "192.168.0.0/16")
        #expect(IPNetwork("::1")?.prefixLength == 128)
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapWithJitterDownToHalf() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.delay(after: 1, random: 1) == .milliseconds(100))
        #expect(policy.delay(after: 2, random: 1) == .milliseconds(200))
        #expect(policy.delay(after: 3, random: 1) == .milliseconds(400))
        #expect(policy.delay(after: 5, random: 1) == .seconds(1))
        #expect(policy.delay(after: 40, random: 1) == .seconds(1))
        #expect(policy.delay(after: 2, random: 0) == .milliseconds(100))
        #expect(policy.delay(after: 2, random: 0.5) == .milliseconds(150))
    }
}
