import Crypto
import Foundation

/// The rules for applying a callback to what is known of its task (DESIGN.md, "The callback"),
/// as a pure function so that every store applies the same ones.
///
/// - A callback whose update time is older than the one applied changes nothing (`stale`).
/// - submitted and processing: the task waits; failed: the task fails with the generator's
///   message, unless a succeeded callback was already taken (a late failure never undoes it).
/// - succeeded: one archive job. A repeat with the same results for a task that is queued, in
///   progress or archived with the verdict ok changes nothing (`repeated`). The same results
///   means the same assets at the same URLs but for their query strings: gateways re-sign their
///   CDN URLs on every callback, and the signature lives in the query. Other results, a task
///   that had failed, or one archived with problems queue a new job, which re-archives the task
///   (and never loses a file the archive holds: see `TaskArchiver`).
public enum CallbackPolicy {
    public enum Outcome: String, Sendable, Codable {
        /// The callback changed the task.
        case applied
        /// Older than the task's newest callback: kept in the history, nothing changed.
        case stale
        /// The same succeeded results again: nothing changed.
        case repeated
    }

    /// The task after `event`, and what became of the callback. `callbackID` is the stored
    /// callback's id, which a new job archives.
    public static func apply(
        _ event: CallbackEvent, tags: [String: String], callbackID: Int64, to existing: TaskRecord?, now: Date
    ) -> (task: TaskRecord, outcome: Outcome) {
        guard var task = existing else {
            var task = TaskRecord(event: event, tags: tags, now: now)
            take(event, into: &task, callbackID: callbackID, now: now)
            return (task, .applied)
        }
        if let stored = task.updatedAt, let updated = event.updatedAt, updated < stored {
            return (task, .stale)
        }
        let inHand: Set<TaskState> = [.queued, .downloading, .processing, .archived]
        let settled = task.state != .archived || task.verdict == .ok
        if event.status == .succeeded, inHand.contains(task.state), settled, task.resultKey == resultKey(event) {
            return (task, .repeated)
        }
        task.status = event.status
        task.message = event.message
        task.updatedAt = event.updatedAt ?? task.updatedAt
        task.createdAt = task.createdAt ?? event.createdAt
        task.externalID = event.externalID ?? task.externalID
        if !tags.isEmpty { task.tags = tags }
        if event.status == .succeeded || !inHand.contains(task.state) {
            take(event, into: &task, callbackID: callbackID, now: now)
        }
        task.changedAt = now
        return (task, .applied)
    }

    /// Sets the state a fresh callback of this status calls for.
    private static func take(_ event: CallbackEvent, into task: inout TaskRecord, callbackID: Int64, now: Date) {
        switch event.status {
        case .submitted, .processing:
            task.state = .waiting
        case .failed:
            task.state = .failed
            task.lastError = event.message.isEmpty ? "the generator reports the task failed" : event.message
        case .succeeded:
            task.state = .queued
            task.resultKey = resultKey(event)
            task.callbackID = callbackID
            task.lastError = nil
            task.attempts = 0
            task.nextAttemptAt = now
            task.leaseOwner = nil
            task.leaseExpiresAt = nil
        }
    }

    /// SHA-256 of the results, in the callback's order: each asset's id (video id, image
    /// index) and its URL without query string or fragment.
    public static func resultKey(_ event: CallbackEvent) -> String {
        let assets = event.videos.map { "video \($0.id) \(withoutQuery($0.url))" } + event.images.map { "image \($0.index) \(withoutQuery($0.url))" }
        return SHA256.hash(data: Data(assets.joined(separator: "\n").utf8)).hexString
    }

    private static func withoutQuery(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? url.absoluteString
    }
}
