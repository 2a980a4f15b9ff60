/// When to try a download again: after a transient failure (a network fault, a time-out, a
/// 5xx, 408 or 429), up to `maxAttempts` in all, waiting `baseDelay × 2^(n−1)`, capped at
/// `maxDelay`, with jitter taking it down to as little as half, so many clients that failed
/// together do not come back together. A server's `Retry-After` replaces the computed wait.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest `Retry-After` honoured within one fetch; a server asking for longer fails the
    /// fetch as transient, with the wait in `FetchError.retryAfter`, for the job queue to honour.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait after failed attempt number `attempt` (1-based), with jitter from `random`
    /// (a value in 0...1).
    public func delay(after attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponential = baseDelay * (1 << min(attempt - 1, 30))
        let capped = min(exponential, maxDelay)
        return capped * (0.5 + 0.5 * random)
    }
}
