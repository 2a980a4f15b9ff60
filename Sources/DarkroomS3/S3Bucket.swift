import Foundation

/// Where an archive lives in S3-compatible storage: the bucket, the key prefix under it, the
/// endpoint and its region, and whether keys are addressed path-style
/// (`http://host/bucket/key`, what SeaweedFS and MinIO expect) or virtual-host style
/// (`https://bucket.host/key`, AWS's default).
public struct S3Bucket: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    /// Key parts put before every key, without leading or trailing slash; empty for none.
    public let prefix: String
    public let endpoint: URL
    public let region: String
    public let pathStyle: Bool

    /// Parses `s3://BUCKET[/PREFIX]`. Without `endpoint`, AWS's regional endpoint.
    public init(uri: String, endpoint: URL?, region: String, pathStyle: Bool) throws(S3ConfigError) {
        guard uri.hasPrefix("s3://") else { throw S3ConfigError("\(uri) is not an s3:// address (s3://BUCKET[/PREFIX])") }
        let rest = uri.dropFirst("s3://".count)
        let name = String(rest.prefix { $0 != "/" })
        let prefix = rest.dropFirst(name.count).split(separator: "/").joined(separator: "/")
        guard Self.isBucketName(name) else {
            throw S3ConfigError("\(name.isEmpty ? "an empty name" : name) is not a bucket name (3-63 characters: a-z, 0-9, '.' and '-', starting and ending with a letter or digit)")
        }
        guard prefix.count <= 512, prefix.split(separator: "/").allSatisfy(Self.isPrefixPart) else {
            throw S3ConfigError("the prefix \(prefix) may hold only parts of A-Z, a-z, 0-9, '.', '_' and '-' (not '.' or '..') separated by '/'")
        }
        guard region.count <= 64, !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw S3ConfigError("\(region) is not a region name (like us-east-1)")
        }
        let endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")!
        guard let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host != nil,
              endpoint.query == nil, endpoint.path.isEmpty || endpoint.path == "/"
        else { throw S3ConfigError("\(endpoint.absoluteString) is not an S3 endpoint (http(s)://host[:port], no path)") }
        self.name = name
        self.prefix = prefix
        self.endpoint = endpoint
        self.region = region
        // A dotted name as a host part fails TLS (`*.s3.amazonaws.com` covers one label), so
        // such a bucket is addressed by path, as AWS's SDKs do.
        self.pathStyle = pathStyle || (name.contains(".") && scheme == "https")
    }

    public var description: String { "s3://\(name)" + (prefix.isEmpty ? "" : "/\(prefix)") }

    /// The key of `relative` (a `/`-separated path) under the prefix.
    public func key(_ relative: String) -> String {
        prefix.isEmpty ? relative : prefix + "/" + relative
    }

    /// The key relative to the prefix, or nil for a key outside it.
    public func relative(_ key: String) -> String? {
        guard !prefix.isEmpty else { return key }
        guard key.hasPrefix(prefix + "/") else { return nil }
        return String(key.dropFirst(prefix.count + 1))
    }

    /// The URL of the object `key` (the bucket itself for ""), at `endpoint` (the bucket's own
    /// when nil), with `query` encoded and in the order SigV4's canonical query string wants.
    func url(key: String, query: [(String, String)] = [], endpoint: URL? = nil) -> URL {
        URL(string: origin(endpoint ?? self.endpoint) + path(key: key) + Self.query(query))!
    }

    /// `scheme://host[:port]` of the bucket at `endpoint`.
    func origin(_ endpoint: URL) -> String {
        "\(endpoint.scheme!)://\(host(endpoint))"
    }

    /// The Host header: the bucket's virtual host, or the endpoint's host; with the port when
    /// it is not the scheme's default.
    func host(_ endpoint: URL) -> String {
        var host = endpoint.host!
        if host.contains(":") { host = "[\(host)]" }
        if !pathStyle { host = name + "." + host }
        if let port = endpoint.port, port != (endpoint.scheme == "https" ? 443 : 80) { host += ":\(port)" }
        return host
    }

    /// The request path of `key`, each segment URI-encoded.
    func path(key: String) -> String {
        let encoded = key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Encoding.encode(String($0)) }
            .joined(separator: "/")
        return pathStyle ? "/\(name)" + (key.isEmpty ? "" : "/" + encoded) : "/" + encoded
    }

    /// `?a=1&b=2`, sorted by name then value, every part encoded; empty for no parameters.
    static func query(_ parameters: [(String, String)]) -> String {
        guard !parameters.isEmpty else { return "" }
        return "?" + SigV4Encoding.canonicalQuery(parameters)
    }

    private static func isBucketName(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last else { return false }
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }
        return allowed && (first.isLetter || first.isNumber) && (last.isLetter || last.isNumber)
    }

    private static func isPrefixPart(_ part: Substring) -> Bool {
        part != "." && part != ".." && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

/// A bucket address or setting that cannot be used.
public struct S3ConfigError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
