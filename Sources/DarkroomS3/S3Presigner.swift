import Crypto
import DarkroomCore
import Foundation

/// Presigned GET URLs (SigV4 in the query string), which libcurl does not make: a browser
/// given one fetches the object straight from the store until it expires. Signed for the host
/// the browser will use (`--s3-public-endpoint`), since the host is part of the signature.
public struct S3Presigner: Sendable {
    public let bucket: S3Bucket
    public let credentials: S3Credentials
    /// Where browsers reach the store; the bucket's own endpoint when nil.
    public let endpoint: URL?

    public init(bucket: S3Bucket, credentials: S3Credentials, endpoint: URL? = nil) {
        self.bucket = bucket
        self.credentials = credentials
        self.endpoint = endpoint
    }

    /// `scheme://host[:port]` of the URLs it makes.
    public var origin: String { bucket.origin(endpoint ?? bucket.endpoint) }

    /// A URL that GETs `key` (relative to the prefix) for `expires` seconds from `date`.
    public func url(key: String, expires: Int, at date: Date = Date()) -> URL {
        let endpoint = self.endpoint ?? bucket.endpoint
        let (day, time) = Self.stamps(date)
        let scope = "\(day)/\(bucket.region)/s3/aws4_request"
        var query = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKey)/\(scope)"),
            ("X-Amz-Date", time),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let path = bucket.path(key: bucket.key(key))
        let canonicalQuery = SigV4Encoding.canonicalQuery(query)
        let canonicalRequest = ["GET", path, canonicalQuery, "host:\(bucket.host(endpoint))", "", "host", "UNSIGNED-PAYLOAD"]
            .joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", time, scope, SHA256.hash(data: Data(canonicalRequest.utf8)).hexString]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretKey)".utf8))
        for part in [day, bucket.region, "s3", "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).hexString
        // The signature covers the sorted query; the URL lists the parameters in the order
        // botocore does (the token after SignedHeaders), so the two can be compared as text.
        let shown = query.map { "\(SigV4Encoding.encode($0.0))=\(SigV4Encoding.encode($0.1))" }.joined(separator: "&")
        return URL(string: bucket.origin(endpoint) + path + "?" + shown + "&X-Amz-Signature=" + signature)!
    }

    /// `yyyyMMdd` and `yyyyMMdd'T'HHmmss'Z'` of `date`, in UTC.
    private static func stamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        return (day, day + String(format: "T%02d%02d%02dZ", parts.hour!, parts.minute!, parts.second!))
    }
}
