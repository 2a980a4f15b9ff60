import Foundation

/// The keys requests are signed with, from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`: the environment only, never flags (which `ps` shows) or files Darkroom
/// writes. `description` names the access key and never the secret.
public struct S3Credentials: Sendable, CustomStringConvertible {
    public let accessKey: String
    let secretKey: String
    let sessionToken: String?

    public init(accessKey: String, secretKey: String, sessionToken: String? = nil) throws(S3ConfigError) {
        // The access key is the user half of `CURLOPT_USERPWD`, split at its first ':'; none of
        // them may end a header line early.
        guard !accessKey.isEmpty, !accessKey.contains(":"), !secretKey.isEmpty,
              ([accessKey, secretKey] + [sessionToken ?? ""]).allSatisfy({ $0.allSatisfy { $0.isASCII && !$0.isNewline && $0 != "\0" } })
        else { throw S3ConfigError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set, printable ASCII, and the access key without ':'") }
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(S3ConfigError) -> S3Credentials {
        guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw S3ConfigError("an s3:// archive needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
        }
        return try S3Credentials(accessKey: key, secretKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
    }

    public var description: String { "access key \(accessKey)" }
}
