import DarkroomCore
import DarkroomQueue
import Foundation
import Logging

/// The events the workers write with a job's end: made here, written by the store in the same
/// transaction as the task's new state.
extension ArchiveWorkers {
    static let historyInEvent = 50

    /// `task.archived` for `index`; nil (and the reason logged) in the one case it cannot be
    /// written, an index that does not encode, which would not have been committed either.
    func archivedEvent(_ index: TaskIndex, _ logger: Logger) -> OutboxEvent? {
        do {
            return try events.archived(index, now: Date())
        } catch {
            logger.error("no task.archived event: \(error)")
            return nil
        }
    }

    /// `task.failed` for the job's task, with its first callbacks: a page of `historyInEvent`,
    /// as the history's pages carry every body and a task may have many, large ones.
    func failedEvent(_ job: Job, reason: String, _ logger: Logger) async -> OutboxEvent? {
        do {
            let history = try await store.history(job.task, after: nil, limit: Self.historyInEvent)
            return try events.failed(task: job.task, reason: reason, attempts: job.attempt, history: history.callbacks, now: Date())
        } catch {
            logger.error("no task.failed event: \(error)")
            return nil
        }
    }
}
