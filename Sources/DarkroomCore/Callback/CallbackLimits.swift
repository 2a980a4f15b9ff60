/// Bounds on what one callback may carry. A body past them is refused as malformed rather than
/// turned into unbounded work: Kling returns at most a handful of results per task.
public struct CallbackLimits: Sendable, Equatable {
    /// Results (videos plus images) accepted in one callback.
    public var maxResults: Int
    /// Longest task id, video id or external id, in Unicode code points (JSON Schema's
    /// `maxLength`, so the API document states it exactly); at most four bytes each.
    public var maxIDLength: Int
    /// Longest result URL, in Unicode code points.
    public var maxURLLength: Int

    public init(maxResults: Int = 100, maxIDLength: Int = 1024, maxURLLength: Int = 8192) {
        self.maxResults = maxResults
        self.maxIDLength = maxIDLength
        self.maxURLLength = maxURLLength
    }
}
