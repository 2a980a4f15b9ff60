import Foundation

/// What Darkroom keeps of one task between callbacks: its state, the generator's last word,
/// and its archive job (attempts, lease, next attempt). The job lives on the task's row because
/// a task has at most one at a time.
public struct TaskRecord: Sendable, Equatable, Codable {
    /// The provider that runs the task: with `id`, what names it (`key`).
    public var provider: String
    public var id: String
    public var state: TaskState
    /// The generator's last status, from the newest callback applied.
    public var status: TaskStatus
    public var message: String
    public var shape: CallbackShape
    public var externalID: String?
    public var createdAt: Date?
    /// The generator's update time of the newest callback applied; older callbacks change nothing.
    public var updatedAt: Date?
    public var tags: [String: String]
    /// A digest of the succeeded callback's result URLs: a repeat with the same results makes no
    /// second job.
    public var resultKey: String?
    /// The stored succeeded callback that the job archives.
    public var callbackID: Int64?
    /// Why the last attempt failed, or the generator's message for a failed task.
    public var lastError: String?
    /// Attempts of the current job so far.
    public var attempts: Int
    /// When a queued job may be claimed.
    public var nextAttemptAt: Date?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// The task folder, relative to the archive, once archived.
    public var folder: String?
    public var verdict: Verdict?
    public var firstSeenAt: Date
    public var changedAt: Date

    enum CodingKeys: String, CodingKey {
        case provider, id, state, status, message, shape
        case externalID = "external_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case tags
        case resultKey = "result_key"
        case callbackID = "callback_id"
        case lastError = "last_error"
        case attempts
        case nextAttemptAt = "next_attempt_at"
        case leaseOwner = "lease_owner"
        case leaseExpiresAt = "lease_expires_at"
        case folder, verdict
        case firstSeenAt = "first_seen_at"
        case changedAt = "changed_at"
    }

    public var key: TaskKey { TaskKey(provider: provider, id: id) }

    public init(event: CallbackEvent, tags: [String: String], now: Date) {
        provider = event.provider
        id = event.taskID
        state = .waiting
        status = event.status
        message = event.message
        shape = event.shape
        externalID = event.externalID
        createdAt = event.createdAt
        updatedAt = event.updatedAt
        self.tags = tags
        attempts = 0
        firstSeenAt = now
        changedAt = now
    }

    /// A task registered ahead of any callback: `waiting`, as if the generator had said
    /// `submitted`, with nothing else known.
    public init(registered key: TaskKey, tags: [String: String], now: Date) {
        self.init(event: CallbackEvent(provider: key.provider, taskID: key.id, shape: .new, status: .submitted, statusSpelling: "submitted"), tags: tags, now: now)
    }
}
