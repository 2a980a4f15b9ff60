import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve --tls-cert --tls-key`: HTTPS without a proxy, checked by curl as a client
/// that verifies the chain against the test CA.
@Suite struct ServeTLSTests {
    private func curl(_ arguments: [String]) async throws -> CommandResult {
        try await runCommand("curl", ["-sS", "--max-time", "10"] + arguments)
    }

    @Test func theServerSpeaksTLSWithItsCertificate() async throws {
        let tls = try await SharedTLSServer.shared.server()
        let data = try makeTemporaryFolder("serve-tls").appendingPathComponent("data")
        let caBundle = tls.caBundle
        let server = try await ServerProcess(
            data: data,
            arguments: ["--tls-cert", tls.goodCertificate, "--tls-key", tls.goodKey, "--admin-token", "admin-secret-token", "--token", "callback-token"],
            ready: { port in
                let answer = try? await runCommand("curl", ["-sS", "--cacert", caBundle, "https://127.0.0.1:\(port)/healthz"])
                return answer?.stdout.contains("\"ok\"") == true
            })
        let base = "https://127.0.0.1:\(server.port)"

        let verified = try await curl(["--cacert", caBundle, "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", base + "/healthz"])
        #expect(verified.stdout == "200 0", "\(verified.stdout) \(verified.stderr)")

        let untrusted = try await curl(["--cacert", tls.otherCABundle, base + "/healthz"])
        #expect(untrusted.status == 60, "an unknown CA fails the chain check: \(untrusted.stderr)")

        let oldTLS = try await curl(["--cacert", caBundle, "--tlsv1.0", "--tls-max", "1.1", "--ciphers", "DEFAULT:@SECLEVEL=0", base + "/healthz"])
        #expect(oldTLS.status == 35, "TLS below 1.2 is refused: \(oldTLS.stderr)")

        let plain = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(plain.stdout != "200", "plain HTTP is not served on the TLS port")

        let login = try await curl(["--cacert", caBundle, "-D", "-", "-o", "/dev/null", base + "/?admin_token=admin-secret-token"])
        let cookie = login.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }
        #expect(cookie?.contains("; Secure") == true, "the admin cookie is Secure over TLS: \(login.stdout)")
        #expect(server.isRunning)
    }

    @Test func aKeyThatCannotBeReadStopsTheServerWithTheReason() async throws {
        let tls = try await SharedTLSServer.shared.server()
        let data = try makeTemporaryFolder("serve-tls-bad")
        let result = try await runCommand(try darkroomBinary(), [
            "serve", "--data", data.path, "--port", "0", "--tls-cert", tls.goodCertificate, "--tls-key", "/nonexistent/key.pem",
        ], timeout: .seconds(60))
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read the TLS key /nonexistent/key.pem (--tls-key)"), "\(result.stderr)")

        let alone = try await runCommand(try darkroomBinary(), ["serve", "--data", data.path, "--tls-cert", tls.goodCertificate], timeout: .seconds(60))
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("tls-cert and tls-key go together"), "\(alone.stderr)")
    }
}
