import DarkroomCore
import Foundation

/// A task polled at its provider's query API, leased to one poller at a time (across
/// processes on one database), as an archive job is to one worker.
public struct PollJob: Sendable, Equatable {
    public var task: TaskKey
    /// The generation's kind (`text2video`, `image2video`), as the registration said.
    public var action: String?
    /// The query URL the registration gave for this task, instead of the service's template.
    public var url: String?
    /// Polls made so far.
    public var tries: Int
    /// When Darkroom first saw the task: polling gives up a set time after it.
    public var firstSeenAt: Date
    public var owner: String

    public init(task: TaskKey, action: String?, url: String?, tries: Int, firstSeenAt: Date, owner: String) {
        self.task = task
        self.action = action
        self.url = url
        self.tries = tries
        self.firstSeenAt = firstSeenAt
        self.owner = owner
    }
}

/// A task registered ahead of its callback (`POST /v1/tasks`, `darkroom register`).
public struct Registration: Sendable, Equatable {
    public var task: TaskKey
    public var action: String?
    public var url: String?
    public var tags: [String: String]

    public init(task: TaskKey, action: String? = nil, url: String? = nil, tags: [String: String] = [:]) {
        self.task = task
        self.action = action
        self.url = url
        self.tags = tags
    }
}
