import DarkroomCore
import DarkroomQueue
import Foundation

/// A task as the API lists it.
struct TaskSummary: Encodable {
    /// With `id`, what names the task: ask for it with `?provider=` when it is not `kling`.
    var provider: String
    var id: String
    var state: TaskState
    var status: TaskStatus
    var message: String
    var lastError: String?
    var attempts: Int
    var externalID: String?
    var createdAt: Date?
    var updatedAt: Date?
    var changedAt: Date
    var tags: [String: String]
    var folder: String?
    var verdict: Verdict?

    enum CodingKeys: String, CodingKey {
        case provider, id, state, status, message
        case lastError = "last_error"
        case attempts
        case externalID = "external_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case changedAt = "changed_at"
        case tags, folder, verdict
    }

    init(_ task: TaskRecord) {
        provider = task.provider
        id = task.id
        state = task.state
        status = task.status
        message = task.message
        lastError = task.lastError
        attempts = task.attempts
        externalID = task.externalID
        createdAt = task.createdAt
        updatedAt = task.updatedAt
        changedAt = task.changedAt
        tags = task.tags
        folder = task.folder
        verdict = task.verdict
    }
}

struct TaskList: Encodable {
    var tasks: [TaskSummary]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case tasks
        case nextCursor = "next_cursor"
    }
}

/// `GET /v1/tasks/{id}`: the task, a page of the callbacks received for it, and its index file
/// once archived.
struct TaskDocument: Encodable {
    var task: TaskSummary
    var history: [Callback]
    var historyNextCursor: Int64?
    var index: TaskIndex?
    var events: [EventDocument]

    struct Callback: Encodable {
        var id: Int64
        var status: TaskStatus
        var statusSpelling: String
        var updatedAt: Date?
        var receivedAt: Date
        var outcome: CallbackPolicy.Outcome
        /// `callback` (the generator posted it) or `poll` (Darkroom asked the provider for it).
        var source: String

        enum CodingKeys: String, CodingKey {
            case id, status
            case statusSpelling = "status_spelling"
            case updatedAt = "updated_at"
            case receivedAt = "received_at"
            case outcome, source
        }
    }

    init(task: TaskRecord, history: HistoryPage, index: TaskIndex?, events: [EventRecord]) {
        self.task = TaskSummary(task)
        historyNextCursor = history.nextCursor
        self.history = history.callbacks.map {
            Callback(id: $0.id, status: $0.status, statusSpelling: $0.statusSpelling, updatedAt: $0.updatedAt,
                     receivedAt: $0.receivedAt, outcome: $0.outcome, source: $0.source)
        }
        self.index = index
        self.events = events.map(EventDocument.init)
    }

    func encode(to encoder: any Encoder) throws {
        // The task's fields at the top level, then its history and index.
        try task.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(history, forKey: .history)
        try container.encodeIfPresent(historyNextCursor.map(String.init), forKey: .historyNextCursor)
        try container.encodeIfPresent(index, forKey: .index)
        try container.encode(events, forKey: .events)
    }

    enum CodingKeys: String, CodingKey {
        case history, index, events
        case historyNextCursor = "history_next_cursor"
    }
}
