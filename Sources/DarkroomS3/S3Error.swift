/// A request to the bucket that failed, with what it was (`PUT s3://bucket/key`), the answer
/// (status, S3's error code and message) or libcurl's reason. Never carries the secret.
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Worth trying again: a transport fault, a 5xx, 429, `SlowDown`, a time-out.
        case transient
        /// 403: wrong keys, a signature the store refuses, or no permission.
        case denied
        case noSuchBucket
        case notFound
        /// The store computed another checksum than the one sent: the bytes changed on the way,
        /// or the index's hash is not the file's.
        case badDigest
        /// Any other refusal, or an answer that makes no sense.
        case refused
        case cancelled
    }

    public let kind: Kind
    /// `PUT s3://bucket/key`, `LIST s3://bucket/prefix/`.
    public let request: String
    public let status: Int?
    public let code: String?
    public let message: String

    public var isTransient: Bool { kind == .transient }

    public var description: String {
        let answer = [status.map(String.init), code].compactMap { $0 }.joined(separator: " ")
        let what: String = switch kind {
        case .denied: " (access denied: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's policy)"
        case .noSuchBucket: " (the bucket does not exist)"
        case .badDigest: " (the store's checksum of the bytes differs from the one sent)"
        default: ""
        }
        return "\(request): \(answer.isEmpty ? "" : answer + ": ")\(message)\(what)"
    }
}
