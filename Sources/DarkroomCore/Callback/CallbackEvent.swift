import Foundation

/// One callback from a generator, normalized: the same value whichever of Kling's two shapes
/// and whichever status spelling it came in.
public struct CallbackEvent: Sendable, Equatable {
    /// Who sent it: the provider whose route took it, whose decoder read it.
    public var provider: String
    public var taskID: String
    public var shape: CallbackShape
    public var status: TaskStatus
    /// The status as the sender spelled it (`succeed`, `SUCCEEDED`, …), for the history.
    public var statusSpelling: String
    public var message: String
    public var createdAt: Date?
    public var updatedAt: Date?
    /// The caller's own id for the task (`task_info.external_task_id` or `external_id`).
    public var externalID: String?
    public var videos: [ReportedVideo]
    public var images: [ReportedImage]

    public init(
        provider: String = Kling.name, taskID: String, shape: CallbackShape, status: TaskStatus, statusSpelling: String,
        message: String = "", createdAt: Date? = nil, updatedAt: Date? = nil, externalID: String? = nil,
        videos: [ReportedVideo] = [], images: [ReportedImage] = []
    ) {
        self.provider = provider
        self.taskID = taskID
        self.shape = shape
        self.status = status
        self.statusSpelling = statusSpelling
        self.message = message
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.externalID = externalID
        self.videos = videos
        self.images = images
    }

    public var key: TaskKey { TaskKey(provider: provider, id: taskID) }
}

/// Which of Kling's two callback layouts a body used (DESIGN.md, "The callback").
public enum CallbackShape: String, Sendable, Codable {
    /// `task_id`, `task_status`, `task_result.videos[]`, `task_result.images[]`.
    case legacy
    /// `id`, `status`, `outputs[]`.
    case new
}

/// The generator's status of a task, whatever the sender's spelling.
public enum TaskStatus: String, Sendable, Codable, CaseIterable {
    case submitted
    case processing
    case succeeded
    case failed
}

/// A video result as the callback reports it. Nothing here has been checked against the media.
public struct ReportedVideo: Sendable, Equatable {
    /// The generator's id; the video's position in the list (`"0"`, `"1"`, …) when it gave none.
    public var id: String
    public var url: URL
    public var watermarkURL: URL?
    /// Seconds, as the callback claims; nil when absent.
    public var reportedDuration: Double?

    public init(id: String, url: URL, watermarkURL: URL? = nil, reportedDuration: Double? = nil) {
        self.id = id
        self.url = url
        self.watermarkURL = watermarkURL
        self.reportedDuration = reportedDuration
    }
}

/// An image result as the callback reports it.
public struct ReportedImage: Sendable, Equatable {
    /// The generator's index; the image's position among the images when it gave none.
    public var index: Int
    public var url: URL

    public init(index: Int, url: URL) {
        self.index = index
        self.url = url
    }
}
