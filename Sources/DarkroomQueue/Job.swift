import DarkroomCore
import Foundation

/// A claimed archive job: the task, the succeeded callback to archive, and the lease that makes
/// this worker the only one working on it. Every change the worker makes is conditional on
/// still holding the lease; a lease that ran out (the process died) puts the job back.
public struct Job: Sendable, Equatable {
    public var task: TaskKey
    public var callbackID: Int64
    public var owner: String
    /// 1 for the first attempt.
    public var attempt: Int

    public init(task: TaskKey, callbackID: Int64, owner: String, attempt: Int) {
        self.task = task
        self.callbackID = callbackID
        self.owner = owner
        self.attempt = attempt
    }
}
