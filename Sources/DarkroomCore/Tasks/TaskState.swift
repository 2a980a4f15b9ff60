/// Where Darkroom is with a task (DESIGN.md, "Jobs"), as opposed to the generator's `status`.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    /// The generator has not finished: only submitted or processing callbacks so far.
    case waiting
    /// A succeeded callback is stored and its archive job waits for a download worker.
    case queued
    /// A worker holds the job's lease and is downloading the results.
    case downloading
    /// The results are downloaded; a worker holds the lease and is verifying and transcoding.
    case processing
    /// The task folder is in the archive.
    case archived
    /// The generator reported the task failed, or the archive job used up its attempts.
    case failed
}
