import DarkroomCore
import Foundation

/// A callback as it arrived, decoded, before it is stored.
public struct ReceivedCallback: Sendable {
    public var event: CallbackEvent
    /// The raw body, kept byte for byte.
    public var body: Data
    /// The request headers worth keeping (signature id and time, user agent, content type).
    public var headers: [String: String]
    /// From the callback URL's query, the token left out.
    public var tags: [String: String]
    public var receivedAt: Date
    /// For a callback saying the generator failed the task: the `task.failed` event, written
    /// with the callback when it moves the task to failed (and only then).
    public var failureEvent: OutboxEvent?

    public init(event: CallbackEvent, body: Data, headers: [String: String] = [:], tags: [String: String] = [:], receivedAt: Date,
                failureEvent: OutboxEvent? = nil) {
        self.event = event
        self.body = body
        self.headers = headers
        self.tags = tags
        self.receivedAt = receivedAt
        self.failureEvent = failureEvent
    }

    /// The `headers` of an answer of the provider's query API, kept as a callback: `@` is no
    /// character of an HTTP field name, so no request can claim to be a poll.
    public static let pollHeaders = ["@source": "poll"]

    /// The event to write with this callback, given what applying it did: `failureEvent` when
    /// the task became failed by it, nil otherwise (a repeat of the failure, a stale callback).
    func eventToWrite(outcome: CallbackPolicy.Outcome, before: TaskRecord?, after: TaskRecord) -> OutboxEvent? {
        guard outcome == .applied, after.state == .failed, before?.state != .failed else { return nil }
        return failureEvent
    }
}

/// A callback in a task's history, as stored.
public struct StoredCallback: Sendable, Equatable, Codable {
    public var id: Int64
    public var provider: String
    public var taskID: String
    public var receivedAt: Date
    public var status: TaskStatus
    /// As the sender spelled it (`succeed`, `SUCCEEDED`).
    public var statusSpelling: String
    public var updatedAt: Date?
    public var outcome: CallbackPolicy.Outcome
    public var headers: [String: String]
    public var body: Data

    enum CodingKeys: String, CodingKey {
        case id, provider
        case taskID = "task_id"
        case receivedAt = "received_at"
        case status
        case statusSpelling = "status_spelling"
        case updatedAt = "updated_at"
        case outcome, headers, body
    }

    public var task: TaskKey { TaskKey(provider: provider, id: taskID) }

    /// `poll` when Darkroom asked the provider for it, `callback` when the generator posted it.
    public var source: String {
        headers["@source"] == "poll" ? "poll" : "callback"
    }
}
