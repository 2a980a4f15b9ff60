import Foundation

/// A task's index file, `index.json` at the root of its folder in the archive: who the task is,
/// what the generator said, what was stored (every file with its size and SHA-256) and what is
/// wrong with it. `docs/index.schema.json` describes every field; `schema` changes when a
/// field's meaning does.
public struct TaskIndex: Sendable, Equatable, Codable {
    /// The value of `schema` this code writes.
    public static let currentSchema = "darkroom.index/1"

    public var schema: String
    public var task: TaskInfo
    /// The task folder, relative to `<data>/archive` (`2025/11/21/<task>`).
    public var folder: String
    /// In a bucket, the generation whose keys hold the task's files
    /// (`<folder>/<generation>/<path>`); a re-archive writes a new one. Absent in a folder.
    public var generation: String?
    public var receivedAt: Date
    public var archivedAt: Date
    public var verdict: Verdict
    /// Every problem of every asset, in asset order.
    public var problems: [Problem]
    /// The callbacks received for the task, oldest first.
    public var history: [HistoryEntry]
    /// The succeeded callback's raw body, byte for byte.
    public var callback: StoredFile
    public var videos: [VideoEntry]
    public var images: [ImageEntry]

    enum CodingKeys: String, CodingKey {
        case schema, task, folder, generation
        case receivedAt = "received_at"
        case archivedAt = "archived_at"
        case verdict, problems, history, callback, videos, images
    }

    public init(
        task: TaskInfo, folder: String, receivedAt: Date, archivedAt: Date, history: [HistoryEntry],
        callback: StoredFile, videos: [VideoEntry], images: [ImageEntry]
    ) {
        self.schema = Self.currentSchema
        self.task = task
        self.folder = folder
        self.receivedAt = receivedAt
        self.archivedAt = archivedAt
        self.history = history
        self.callback = callback
        self.videos = videos
        self.images = images
        self.problems = videos.flatMap(\.problems) + images.flatMap(\.problems)
        self.verdict = Verdict(problems: problems)
    }

    /// Every file the index names, relative to the task folder: the callback, then each asset's
    /// source and what was made from it. `index.json` itself is not among them.
    public var files: [StoredFile] {
        [callback] + videos.flatMap(\.files) + images.flatMap(\.files)
    }
}

/// The task as the generator described it, in the index's `task` object.
public struct TaskInfo: Sendable, Equatable, Codable {
    /// The generator's task id, as it sent it (the folder name may be derived from its hash).
    public var id: String
    public var externalID: String?
    /// Who generated it: `kling`, whichever gateway relayed the callback.
    public var provider: String
    public var shape: CallbackShape
    public var status: TaskStatus
    public var message: String
    public var createdAt: Date?
    public var updatedAt: Date?
    /// From the callback URL's query (`?project=summer`); empty for `darkroom process`.
    public var tags: [String: String]

    enum CodingKeys: String, CodingKey {
        case id
        case externalID = "external_id"
        case provider, shape, status, message
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case tags
    }

    public init(event: CallbackEvent, tags: [String: String] = [:]) {
        id = event.taskID
        externalID = event.externalID
        provider = event.provider
        shape = event.shape
        status = event.status
        message = event.message
        createdAt = event.createdAt
        updatedAt = event.updatedAt
        self.tags = tags
    }
}

/// One callback in a task's history.
public struct HistoryEntry: Sendable, Equatable, Codable {
    public var status: TaskStatus
    /// The generator's update time, when the callback gave one.
    public var updatedAt: Date?
    public var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case status
        case updatedAt = "updated_at"
        case receivedAt = "received_at"
    }

    public init(status: TaskStatus, updatedAt: Date?, receivedAt: Date) {
        self.status = status
        self.updatedAt = updatedAt
        self.receivedAt = receivedAt
    }
}
