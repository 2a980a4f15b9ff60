import Foundation

/// Who may post callbacks: a Standard Webhooks signature made with a configured secret, or the
/// shared token (`?token=` or `Authorization: Bearer`). A request passes when any configured
/// method accepts it. With neither configured, every request passes: the server refuses to
/// start that way unless it listens on loopback only or is told to run without authentication.
public struct CallerCheck: Sendable {
    public var signature: WebhookSignature?
    private let tokens: TokenSet

    public init(secrets: [WebhookSignature.Secret], tokens: [String]) {
        signature = secrets.isEmpty ? nil : WebhookSignature(secrets: secrets)
        self.tokens = TokenSet(tokens)
    }

    public var isOpen: Bool { signature == nil && tokens.isEmpty }

    /// `headers` by lower-case name; `token` from the query string.
    public func check(headers: [String: String], token: String?, body: Data, now: Date = Date()) throws(CallerError) {
        if isOpen { return }
        var reasons: [String] = []
        if let signature {
            do {
                try signature.verify(id: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                                     signature: headers["webhook-signature"], body: body, now: now)
                return
            } catch {
                reasons.append(error.reason)
            }
        }
        if !tokens.isEmpty {
            let bearer = headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let given = token ?? bearer else {
                throw CallerError((reasons + ["no token (?token= or Authorization: Bearer)"]).joined(separator: "; "))
            }
            if tokens.contains(given) { return }
            reasons.append("wrong token")
        }
        throw CallerError(reasons.joined(separator: "; "))
    }
}
