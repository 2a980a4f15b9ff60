import Foundation

/// How downloads behave. The defaults suit result URLs from generators' CDNs; a test or a local
/// set-up turns on `addressPolicy.allowPrivate` to reach servers on this machine.
public struct FetchOptions: Sendable, Equatable {
    /// Redirects followed at most; never to a scheme other than http or https.
    public var maxRedirects: Int
    /// Seconds to establish a connection.
    public var connectTimeout: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is abandoned (and
    /// retried, as a time-out).
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int
    /// The largest file accepted, in bytes: refused before the body when the server announces
    /// more, aborted as soon as the body passes it otherwise.
    public var maxBytes: Int64
    public var retry: RetryPolicy
    /// Seconds one fetch may take in all, retries and waits included: a URL that drips just
    /// fast enough to pass the low-speed check cannot hold its worker (and its job's lease)
    /// until the URL expires.
    public var deadline: Int
    public var addressPolicy: AddressPolicy
    public var userAgent: String
    /// A PEM file of the certificate authorities to trust instead of the system's, for result
    /// URLs behind a private CA; nil trusts the system's store.
    public var caBundle: String?

    public init(
        maxRedirects: Int = 5, connectTimeout: Int = 15,
        lowSpeedBytesPerSecond: Int = 1024, lowSpeedSeconds: Int = 30,
        maxBytes: Int64 = 4 << 30, retry: RetryPolicy = RetryPolicy(), deadline: Int = 1800,
        addressPolicy: AddressPolicy = AddressPolicy(), userAgent: String = "darkroom/0.1",
        caBundle: String? = FetchOptions.environmentCABundle
    ) {
        self.maxRedirects = maxRedirects
        self.connectTimeout = connectTimeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
        self.maxBytes = maxBytes
        self.retry = retry
        self.deadline = deadline
        self.addressPolicy = addressPolicy
        self.userAgent = userAgent
        self.caBundle = caBundle
    }

    /// The CA bundle that OpenSSL's and curl's own tools take from the environment:
    /// `SSL_CERT_FILE`, else `CURL_CA_BUNDLE`. libcurl itself reads neither.
    public static var environmentCABundle: String? {
        let environment = ProcessInfo.processInfo.environment
        return [environment["SSL_CERT_FILE"], environment["CURL_CA_BUNDLE"]].compactMap { $0 }.first { !$0.isEmpty }
    }
}
