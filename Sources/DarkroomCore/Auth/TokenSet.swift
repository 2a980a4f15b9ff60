import Crypto
import Foundation

/// Shared secrets compared without leaking them through timing: each is kept as its SHA-256, and
/// a candidate's digest is compared with every one byte by byte, to the end (digests have one
/// length, so not even a token's length shows).
public struct TokenSet: Sendable {
    private let digests: [SHA256.Digest]

    /// Empty tokens are left out: nothing, sent as `?token=`, never matches.
    public init(_ tokens: [String]) {
        digests = tokens.filter { !$0.isEmpty }.map { SHA256.hash(data: Data($0.utf8)) }
    }

    public var isEmpty: Bool { digests.isEmpty }

    public func contains(_ candidate: String) -> Bool {
        guard !candidate.isEmpty else { return false }
        let digest = SHA256.hash(data: Data(candidate.utf8))
        return digests.reduce(false) { found, known in
            found || zip(known, digest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
