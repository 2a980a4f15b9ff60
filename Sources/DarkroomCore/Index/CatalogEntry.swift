import Foundation

/// One line of the archive's catalog, `<data>/archive/index.jsonl`: enough to list and filter
/// tasks without opening their folders. Everything in it comes from the task's `index.json`,
/// so the catalog can always be rebuilt from the folders.
public struct CatalogEntry: Sendable, Equatable, Codable {
    /// Whose task it is: with `taskID`, what names it (`key`). Nil in lines written before
    /// there were providers, which were all Kling's.
    public var provider: String?
    public var taskID: String
    public var externalID: String?
    /// The task folder, relative to `<data>/archive`.
    public var folder: String
    public var status: TaskStatus
    public var createdAt: Date?
    public var receivedAt: Date
    public var archivedAt: Date
    public var verdict: Verdict
    public var videos: Int
    public var images: Int
    public var problems: Int
    /// All files of the task, `index.json` excluded.
    public var bytes: Int
    public var tags: [String: String]

    enum CodingKeys: String, CodingKey {
        case provider
        case taskID = "task_id"
        case externalID = "external_id"
        case folder, status
        case createdAt = "created_at"
        case receivedAt = "received_at"
        case archivedAt = "archived_at"
        case verdict, videos, images, problems, bytes, tags
    }

    public var key: TaskKey { TaskKey(provider: provider ?? Kling.name, id: taskID) }

    public init(index: TaskIndex) {
        provider = index.task.provider
        taskID = index.task.id
        externalID = index.task.externalID
        folder = index.folder
        status = index.task.status
        createdAt = index.task.createdAt
        receivedAt = index.receivedAt
        archivedAt = index.archivedAt
        verdict = index.verdict
        videos = index.videos.count
        images = index.images.count
        problems = index.problems.count
        bytes = index.files.reduce(0) { $0 + $1.bytes }
        tags = index.task.tags
    }
}
