/// One page of a task's callbacks, oldest first. A task may have received thousands of
/// callbacks (a gateway re-sending one for days), so its history is only ever read a page at
/// a time: a read of one task stays bounded whatever came in for it.
public struct HistoryPage: Sendable, Equatable {
    public var callbacks: [StoredCallback]
    /// The id of the last callback on this page, to ask for the next; nil on the last page.
    public var nextCursor: Int64?

    /// The most callbacks one page may hold, whatever a caller asks for.
    public static let maxLimit = 1000
    public static let defaultLimit = 100

    /// `fetched` holds up to `limit + 1` callbacks: the extra one only says there is more.
    init(fetched: [StoredCallback], limit: Int) {
        callbacks = Array(fetched.prefix(limit))
        nextCursor = fetched.count > limit ? callbacks.last?.id : nil
    }
}
