/// How downloads behave. The defaults suit result URLs from generators' CDNs.
public struct FetchOptions: Sendable, Equatable {
    /// Redirects followed at most; never to a scheme other than http or https.
    public var maxRedirects: Int
    /// Seconds to establish a connection.
    public var connectTimeout: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is abandoned.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int
    public var userAgent: String

    public init(
        maxRedirects: Int = 5, connectTimeout: Int = 15,
        lowSpeedBytesPerSecond: Int = 1024, lowSpeedSeconds: Int = 30,
        userAgent: String = "darkroom/0.1"
    ) {
        self.maxRedirects = maxRedirects
        self.connectTimeout = connectTimeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
        self.userAgent = userAgent
    }
}
