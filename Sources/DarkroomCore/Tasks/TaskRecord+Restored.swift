import Foundation

extension TaskRecord {
    /// An archived task rebuilt from its index and its succeeded callback alone (the task store
    /// remade from the archive by `darkroom reindex`): archived in `index.folder`, with the
    /// result key a repeat of the same callback would have, so a re-sent callback makes no job.
    public init(restoring index: TaskIndex, event: CallbackEvent, callbackID: Int64) {
        self.init(event: event, tags: index.task.tags, now: index.history.first?.receivedAt ?? index.receivedAt)
        state = .archived
        resultKey = CallbackPolicy.resultKey(event)
        self.callbackID = callbackID
        folder = index.folder
        verdict = index.verdict
        changedAt = index.archivedAt
    }
}
