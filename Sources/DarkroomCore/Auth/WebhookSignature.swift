import Crypto
import Foundation

/// Standard Webhooks signatures (DESIGN.md, "Who may call"), as Kling signs callbacks: HMAC-SHA256
/// over `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the Base64 decoding of the
/// secret after its `whsec_` prefix, sent as space-separated `v1,<base64>` values in
/// `webhook-signature`. Any value made with any of the secrets passes (two during a rotation);
/// the comparison runs in constant time. A timestamp more than `tolerance` from now is refused,
/// so a captured request cannot be replayed later.
public struct WebhookSignature: Sendable {
    public struct Secret: Sendable {
        let key: SymmetricKey

        /// `whsec_<base64>`, or the Base64 alone. Nil when it is not Base64 or is empty.
        public init?(_ text: String) {
            let encoded = text.hasPrefix("whsec_") ? String(text.dropFirst(6)) : text
            guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { return nil }
            key = SymmetricKey(data: bytes)
        }
    }

    public var secrets: [Secret]
    public var tolerance: TimeInterval

    public init(secrets: [Secret], tolerance: TimeInterval = 300) {
        self.secrets = secrets
        self.tolerance = tolerance
    }

    /// Checks a request's three headers against its body; the error says which check failed.
    public func verify(id: String?, timestamp: String?, signature: String?, body: Data, now: Date = Date()) throws(CallerError) {
        guard let id, !id.isEmpty, let timestamp, let signature else {
            throw CallerError("missing webhook-id, webhook-timestamp or webhook-signature header")
        }
        guard let seconds = Int64(timestamp.trimmingCharacters(in: .whitespaces)) else {
            throw CallerError("webhook-timestamp is not a number of seconds: \(timestamp.prefix(40))")
        }
        guard abs(Double(seconds) - now.timeIntervalSince1970) <= tolerance else {
            throw CallerError("webhook-timestamp is more than \(Int(tolerance)) s from now")
        }
        // Bounded before any HMAC is computed: a header of thousands of values would otherwise
        // buy that many passes over the body, without a credential.
        guard signature.utf8.count <= Self.maxSignatureHeaderBytes else {
            throw CallerError("webhook-signature is over \(Self.maxSignatureHeaderBytes) bytes")
        }
        let values = signature.split(separator: " ")
        guard values.count <= Self.maxSignatureValues else {
            throw CallerError("webhook-signature has \(values.count) values; at most \(Self.maxSignatureValues) are read")
        }
        guard id.utf8.count <= 256 else { throw CallerError("webhook-id is over 256 bytes") }
        let offered = values.compactMap { value -> Data? in
            guard value.hasPrefix("v1,") else { return nil }
            return Data(base64Encoded: String(value.dropFirst(3)))
        }
        guard !offered.isEmpty else { throw CallerError("no v1 value in webhook-signature") }
        let signed = Self.signedContent(id: id, timestamp: timestamp, body: body)
        // One HMAC per secret, compared with every value in constant time.
        for secret in secrets {
            let expected = Data(HMAC<SHA256>.authenticationCode(for: signed, using: secret.key))
            var matched = false
            for mac in offered { matched = Self.constantTimeEqual(mac, expected) || matched }
            if matched { return }
        }
        throw CallerError("no webhook-signature matches the body")
    }

    /// At most this many space-separated values are read (a rotation needs two).
    public static let maxSignatureValues = 8
    public static let maxSignatureHeaderBytes = 1024

    private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The `webhook-signature` value for a request signed with `secret`.
    public static func sign(id: String, timestamp: String, body: Data, secret: Secret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: signedContent(id: id, timestamp: timestamp, body: body), using: secret.key)
        return "v1," + Data(mac).base64EncodedString()
    }

    private static func signedContent(id: String, timestamp: String, body: Data) -> Data {
        Data("\(id).\(timestamp).".utf8) + body
    }
}

/// Why a caller was refused (answered 401), said without revealing a secret.
public struct CallerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
