import Foundation
import JWTKit

/// The `Authorization` header of a query to the provider: a gateway's bearer token as it is,
/// or for Kling itself a JWT (HS256; `iss` the access key, `exp` 30 minutes on, `nbf` 5 seconds
/// back), signed once and used until 5 minutes before it expires. The keys never leave this
/// type but in that header.
actor ProviderCredentials {
    private let auth: PollSettings.Auth
    private var keys: JWTKeyCollection?
    private var token: (value: String, expires: Date)?

    static let lifetime: TimeInterval = 1800
    static let renewBefore: TimeInterval = 300

    init(_ auth: PollSettings.Auth) {
        self.auth = auth
    }

    func authorization(now: Date = Date()) async throws -> String? {
        switch auth {
        case .none:
            return nil
        case .bearer(let token):
            return "Bearer \(token)"
        case .kling(let accessKey, let secretKey):
            if let token, token.expires.timeIntervalSince(now) > Self.renewBefore { return "Bearer \(token.value)" }
            let keys = self.keys ?? JWTKeyCollection()
            if self.keys == nil {
                // jwt-kit asserts on a shorter key; serve refuses one at start, this is the last guard.
                guard secretKey.utf8.count >= PollSettings.minimumSecretBytes else { throw ShortSecret() }
                await keys.add(hmac: HMACKey(from: secretKey), digestAlgorithm: .sha256)
                self.keys = keys
            }
            let expires = now + Self.lifetime
            let claims = KlingClaims(iss: IssuerClaim(value: accessKey), exp: ExpirationClaim(value: expires), nbf: NotBeforeClaim(value: now - 5))
            let signed = try await keys.sign(claims)
            token = (signed, expires)
            return "Bearer \(signed)"
        }
    }
}

struct ShortSecret: Error, CustomStringConvertible {
    var description: String { "the Kling secret key is shorter than \(PollSettings.minimumSecretBytes) bytes" }
}

/// What Kling's API asks of its JWT.
private struct KlingClaims: JWTPayload {
    var iss: IssuerClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim

    func verify(using algorithm: some JWTAlgorithm) throws {}
}
