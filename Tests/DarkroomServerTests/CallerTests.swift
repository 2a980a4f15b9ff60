import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Who may post callbacks: Standard Webhooks signatures (checked against the `standardwebhooks`
/// package from PyPI, another implementation) and shared tokens.
@Suite struct CallerTests {
    static let secretA = "whsec_" + Data("darkroom-test-secret-number-one!".utf8).base64EncodedString()
    static let secretB = "whsec_" + Data("darkroom-test-secret-number-two!".utf8).base64EncodedString()
    let body = try! RepositoryFiles.sampleCallback("legacy-video-succeed.json")

    private func signed(_ body: Data, secret: String, id: String = "msg_1", at time: Date = Date()) -> HTTPFields {
        let timestamp = String(Int(time.timeIntervalSince1970))
        let signature = WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: WebhookSignature.Secret(secret)!)
        return [HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: timestamp, HTTPField.Name("webhook-signature")!: signature]
    }

    private func settings(secrets: [String] = [], tokens: [String] = []) throws -> ServerSettings {
        try testSettings("callers") {
            $0.webhookSecrets = secrets.compactMap(WebhookSignature.Secret.init)
            $0.tokens = tokens
        }
    }

    /// `standardwebhooks` signs; returns the three headers.
    private func pythonSigned(_ body: Data, secret: String, id: String) async throws -> HTTPFields {
        let file = try makeTemporaryFolder("swh").appendingPathComponent("body")
        try body.write(to: file)
        let timestamp = Int(Date().timeIntervalSince1970)
        let script = """
            import datetime, sys
            from standardwebhooks.webhooks import Webhook
            body = open(sys.argv[3], "rb").read().decode()
            at = datetime.datetime.fromtimestamp(int(sys.argv[4]), tz=datetime.timezone.utc)
            print(Webhook(sys.argv[1]).sign(sys.argv[2], at, body))
            """
        let result = try await runChecked(RepositoryFiles.python, ["-c", script, secret, id, file.path, String(timestamp)])
        return [HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: String(timestamp),
                HTTPField.Name("webhook-signature")!: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)]
    }

    @Test func signaturesFromBothImplementationsAreAccepted() async throws {
        let python = try await pythonSigned(body, secret: Self.secretA, id: "msg_py")
        let ours = signed(body, secret: Self.secretA, id: "msg_py", at: Date(timeIntervalSince1970: Double(python[HTTPField.Name("webhook-timestamp")!]!)!))
        #expect(python[HTTPField.Name("webhook-signature")!] == ours[HTTPField.Name("webhook-signature")!], "both implementations sign alike")
        try await withRouter(try settings(secrets: [Self.secretA])) { client in
            let theirs = try await client.postCallback(body, headers: python)
            #expect(theirs.status == .ok)
            let ours = try await client.postCallback(body, headers: signed(body, secret: Self.secretA, id: "msg_2"))
            #expect(ours.status == .ok)
        }
    }

    /// Our signature checked by `standardwebhooks`' own verify.
    @Test func standardWebhooksVerifiesOurSignature() async throws {
        let headers = signed(body, secret: Self.secretB, id: "msg_ours")
        let file = try makeTemporaryFolder("swh-verify").appendingPathComponent("body")
        try body.write(to: file)
        let script = """
            import sys
            from standardwebhooks.webhooks import Webhook
            Webhook(sys.argv[1]).verify(open(sys.argv[2], "rb").read(), {
                "webhook-id": sys.argv[3], "webhook-timestamp": sys.argv[4], "webhook-signature": sys.argv[5]})
            print("verified")
            """
        let result = try await runCommand(RepositoryFiles.python, [
            "-c", script, Self.secretB, file.path, headers[HTTPField.Name("webhook-id")!]!,
            headers[HTTPField.Name("webhook-timestamp")!]!, headers[HTTPField.Name("webhook-signature")!]!,
        ])
        #expect(result.stdout == "verified\n", "\(result.stderr)")
    }

    /// A flood of signature values costs one refusal, not one HMAC of the body per value.
    @Test func aFloodOfSignatureValuesIsRefusedBeforeAnyHMAC() async throws {
        try await withRouter(try settings(secrets: [Self.secretA])) { client in
            var headers = signed(body, secret: Self.secretB)
            let name = HTTPField.Name("webhook-signature")!
            let one = headers[name]!
            headers[name] = Array(repeating: one, count: 1500).joined(separator: " ")
            let flood = try await client.postCallback(body, headers: headers)
            #expect(flood.status == .unauthorized)
            #expect(flood.errorMessage == "webhook-signature is over 1024 bytes")

            headers[name] = Array(repeating: "v1,AA==", count: 20).joined(separator: " ")
            let many = try await client.postCallback(body, headers: headers)
            #expect(many.errorMessage == "webhook-signature has 20 values; at most 8 are read")

            // Eight values, the right one last, still pass.
            var rotated = signed(body, secret: Self.secretA)
            rotated[name] = Array(repeating: one, count: 7).joined(separator: " ") + " " + rotated[name]!
            #expect(try await client.postCallback(body, headers: rotated).status == .ok)
        }
    }

    @Test func badSignaturesAreRefusedWithTheReason() async throws {
        try await withRouter(try settings(secrets: [Self.secretA])) { client in
            let wrongSecret = try await client.postCallback(body, headers: signed(body, secret: Self.secretB))
            #expect(wrongSecret.status == .unauthorized)
            #expect(wrongSecret.errorMessage == "no webhook-signature matches the body")

            let stale = try await client.postCallback(body, headers: signed(body, secret: Self.secretA, at: Date() - 600))
            #expect(stale.status == .unauthorized)
            #expect(stale.errorMessage == "webhook-timestamp is more than 300 s from now")

            var tampered = body
            tampered[tampered.count - 3] ^= 0x01
            let changed = try await client.postCallback(tampered, headers: signed(body, secret: Self.secretA))
            #expect(changed.status == .unauthorized)

            let missing = try await client.postCallback(body)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorMessage == "missing webhook-id, webhook-timestamp or webhook-signature header")

            #expect(try await client.execute(uri: "/v1/tasks/CjhGRWdYqgAAAAAAXyZc8Q", method: .get).status == .notFound)
        }
    }

    /// During a rotation both secrets are valid; a header may carry several signatures.
    @Test func twoSecretsDuringARotation() async throws {
        try await withRouter(try settings(secrets: [Self.secretA, Self.secretB])) { client in
            let first = try await client.postCallback(body, headers: signed(body, secret: Self.secretA))
            #expect(first.status == .ok)
            let second = try await client.postCallback(body, headers: signed(body, secret: Self.secretB))
            #expect(second.status == .ok)
            var both = signed(body, secret: Self.secretB)
            let other = "v1," + Data(repeating: 7, count: 32).base64EncodedString()
            both[HTTPField.Name("webhook-signature")!] = other + " " + both[HTTPField.Name("webhook-signature")!]!
            #expect(try await client.postCallback(body, headers: both).status == .ok)
        }
    }

    @Test func tokensInTheQueryOrAsBearer() async throws {
        try await withRouter(try settings(tokens: ["s3cret", "n3xt"])) { client in
            #expect(try await client.postCallback(body, query: "?token=s3cret").status == .ok)
            #expect(try await client.postCallback(body, headers: [.authorization: "Bearer n3xt"]).status == .ok)
            let wrong = try await client.postCallback(body, query: "?token=guess")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorMessage == "wrong token")
            let none = try await client.postCallback(body)
            #expect(none.status == .unauthorized)
            #expect(none.errorMessage == "no token (?token= or Authorization: Bearer)")
        }
    }

    @Test func aServerBeyondLoopbackWithoutAuthenticationDoesNotStart() async throws {
        var settings = try testSettings("callers-unsafe")
        settings.host = "0.0.0.0"
        await #expect(throws: ServerStartError.self) { () async throws in _ = try await buildApplication(settings: settings, logger: quietLogger()) }
        settings.insecureNoAuth = true
        _ = try await buildApplication(settings: settings, logger: quietLogger())
        settings.insecureNoAuth = false
        settings.tokens = ["t"]
        _ = try await buildApplication(settings: settings, logger: quietLogger())
    }
}
