import DarkroomCore
import Foundation

/// A succeeded callback to archive, with what the receiver knows beyond its body.
public struct ArchiveRequest: Sendable {
    public var event: CallbackEvent
    /// The callback's raw body, stored byte for byte as `callback.json`.
    public var body: Data
    public var receivedAt: Date
    /// The task's callbacks so far, oldest first; this one when there is no record of others.
    public var history: [HistoryEntry]
    public var tags: [String: String]

    public init(
        event: CallbackEvent, body: Data, receivedAt: Date, history: [HistoryEntry]? = nil,
        tags: [String: String] = [:]
    ) {
        self.event = event
        self.body = body
        self.receivedAt = receivedAt
        self.history = history ?? [HistoryEntry(status: event.status, updatedAt: event.updatedAt, receivedAt: receivedAt)]
        self.tags = tags
    }
}
