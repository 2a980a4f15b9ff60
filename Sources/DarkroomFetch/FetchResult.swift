import Foundation

/// A finished download: the file is complete at `path`, synced, and its hash is over every byte.
public struct FetchResult: Sendable, Equatable, Codable {
    public var url: String
    /// Where the last redirect led (query removed, like every URL Darkroom shows).
    public var finalURL: String
    public var path: String
    public var bytes: Int64
    /// SHA-256 of the file, lower-case hex.
    public var sha256: String
    public var httpStatus: Int
    /// The HTTP version the transfer used: "2" where the server offered it over TLS, else "1.1".
    public var httpVersion: String
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?
    /// Attempts it took, 1 when the first went through.
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case url
        case finalURL = "final_url"
        case path, bytes, sha256
        case httpStatus = "http_status"
        case httpVersion = "http_version"
        case contentType = "content_type"
        case etag
        case lastModified = "last_modified"
        case attempts
    }
}
