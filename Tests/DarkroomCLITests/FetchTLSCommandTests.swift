import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom fetch` trusts a private CA from `--ca-bundle` or from `SSL_CERT_FILE`.
@Suite struct FetchTLSCommandTests {
    let folder: URL

    init() throws {
        folder = try makeTemporaryFolder("tls-cli")
    }

    func destination(_ name: String = "file.bin") -> String { folder.appendingPathComponent(name).path }

    @Test func theEnvironmentsCABundleIsTrusted() async throws {
        let server = try await SharedTLSServer.shared.server()
        let result = try await runCommand(try darkroomBinary(), [
            "fetch", server.url(.good).absoluteString, "-o", destination(), "--allow-private", "--json",
        ], environment: ["SSL_CERT_FILE": server.caBundle])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"http_version\" : \"2\""), "\(result.stdout)")
        let flag = try await runCommand(try darkroomBinary(), [
            "fetch", server.url(.good).absoluteString, "-o", destination("by-flag.bin"), "--allow-private", "--ca-bundle", server.caBundle,
        ])
        #expect(flag.status == 0, "\(flag.stderr)")
    }

    @Test func withoutTheBundleTheTestCAIsNotTrusted() async throws {
        let server = try await SharedTLSServer.shared.server()
        let result = try await runCommand(try darkroomBinary(), ["fetch", server.url(.good).absoluteString, "-o", destination(), "--allow-private"],
                                          environment: ["SSL_CERT_FILE": "", "CURL_CA_BUNDLE": ""])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the server's certificate is not trusted"), "\(result.stderr)")
    }
}
