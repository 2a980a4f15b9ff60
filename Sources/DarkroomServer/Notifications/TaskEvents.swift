import DarkroomCore
import DarkroomQueue
import Foundation

/// The events the archive workers write with a task's state change, in the envelope Standard
/// Webhooks recommends: `{"type": …, "timestamp": …, "data": {…}}` (docs/notifications.md).
struct TaskEvents: Sendable {
    let settings: NotificationSettings

    private struct Envelope<Payload: Encodable>: Encodable {
        var type: String
        var timestamp: Date
        var data: Payload
    }

    private struct File: Encodable {
        var path: String
        var bytes: Int
        var sha256: String
        var url: String?
    }

    private struct Archived: Encodable {
        var provider: String
        var taskID: String
        var state = "archived"
        var verdict: Verdict
        var problems: [Problem]
        var folder: String
        var files: [File]
        var index: TaskIndex

        enum CodingKeys: String, CodingKey {
            case provider
            case taskID = "task_id"
            case state, verdict, problems, folder, files, index
        }
    }

    private struct Failed: Encodable {
        var provider: String
        var taskID: String
        var state = "failed"
        /// `generator`: a callback said so; `archive`: Darkroom's archive job gave up; `poll`:
        /// the provider never reported an end while it was polled.
        var failedBy: String
        var reason: String
        /// Archive attempts made; 0 for a failure the generator reported.
        var attempts: Int
        /// Callbacks received for the task, oldest first: its first 50 when an
        /// attempt failed, the failing callback for a generator's failure, none when the workers
        /// died in every attempt (the store writes that event as it takes the job back).
        var history: [HistoryEntry]

        enum CodingKeys: String, CodingKey {
            case provider
            case taskID = "task_id"
            case failedBy = "failed_by"
            case state, reason, attempts, history
        }
    }

    /// `task.archived`: the task's verdict and problems, its index, and every file with its
    /// size, hash and the API's URL for it.
    func archived(_ index: TaskIndex, now: Date) throws -> OutboxEvent {
        let key = TaskKey(provider: index.task.provider, id: index.task.id)
        let files = index.files.map { File(path: $0.path, bytes: $0.bytes, sha256: $0.sha256, url: fileURL(task: key, path: $0.path)) }
        let data = Archived(provider: key.provider, taskID: key.id, verdict: index.verdict, problems: index.problems, folder: index.folder,
                            files: files, index: index)
        return try event("task.archived", task: key, data: data, now: now)
    }

    /// `task.failed` when the archive job gave up: why, after how many attempts, and the
    /// callbacks the task had.
    func failed(task: TaskKey, reason: String, attempts: Int, history: [StoredCallback], now: Date, failedBy: String = "archive") throws -> OutboxEvent {
        let entries = history.map { HistoryEntry(status: $0.status, updatedAt: $0.updatedAt, receivedAt: $0.receivedAt) }
        let data = Failed(provider: task.provider, taskID: task.id, failedBy: failedBy, reason: reason, attempts: attempts, history: entries)
        return try event("task.failed", task: task, data: data, now: now)
    }

    /// `task.failed` for a callback in which the generator says it failed the task; written only
    /// if that callback is what makes the task failed.
    func generatorFailed(_ callback: CallbackEvent, receivedAt: Date) throws -> OutboxEvent {
        let reason = callback.message.isEmpty ? "the generator reports the task failed" : callback.message
        let data = Failed(provider: callback.provider, taskID: callback.taskID, failedBy: "generator", reason: reason, attempts: 0,
                          history: [HistoryEntry(status: callback.status, updatedAt: callback.updatedAt, receivedAt: receivedAt)])
        return try event("task.failed", task: callback.key, data: data, now: receivedAt)
    }

    private func event(_ type: String, task: TaskKey, data: some Encodable, now: Date) throws -> OutboxEvent {
        let body = try IndexCoding.encoder(pretty: false).encode(Envelope(type: type, timestamp: now, data: data))
        var random = SystemRandomNumberGenerator()
        let id = "evt_" + (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) }.hexString
        return OutboxEvent(id: id, type: type, task: task, createdAt: now, body: body,
                           endpoints: settings.endpoints.filter { $0.takes(type) }.map(\.url))
    }

    /// `<public-url>/v1/tasks/<id>/files/<path>`, each part percent-encoded; the route redirects
    /// to a fresh presigned URL where the archive is a bucket served to browsers directly.
    private func fileURL(task: TaskKey, path: String) -> String? {
        guard let base = settings.publicURL?.absoluteString else { return nil }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + TaskLinks.file(task, path: path)
    }
}
