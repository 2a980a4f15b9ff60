import Synchronization

/// Counts calls across the test server's threads: a handler asks `next()` to know whether this
/// is the first request, the second, …
public final class RequestCounter: Sendable {
    private let count = Mutex(0)

    public init() {}

    /// 1 on the first call, 2 on the second, …
    public func next() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }
}
