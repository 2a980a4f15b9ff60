import DarkroomCore
import DarkroomFetch
import DarkroomMedia

/// Why a task was not archived. Problems with the media or its download are not errors (the
/// task is archived with them listed); these are the cases where nothing was put in the
/// archive: the callback has nothing to archive, or the machine could not store it.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The callback's status is not succeeded: nothing to fetch.
        case notSucceeded
        /// Storing failed (a full disk, permissions, a file that vanished): worth a retry later.
        case storage
        case cancelled
        /// Less room on the archive's file system than the reserve: the job waits, uncounted.
        case noSpace
        /// The archive's store is down or did not answer: the job waits, uncounted, and tries again.
        case storeUnavailable
        /// A re-archive whose every download failed: the archived generation stays as it was.
        case keptArchived
    }

    public let kind: Kind
    public let taskID: String
    public let reason: String

    public init(_ kind: Kind, taskID: String, _ reason: String) {
        self.kind = kind
        self.taskID = taskID
        self.reason = reason
    }

    init(taskID: String, _ error: FileError) {
        self.init(.storage, taskID: taskID, error.description)
    }

    init(taskID: String, _ error: ArchiveStoreError) {
        self.init(error.unavailable ? .storeUnavailable : .storage, taskID: taskID, error.description)
    }

    init(taskID: String, _ error: MediaError) {
        self.init(.storage, taskID: taskID, error.description)
    }

    public var description: String { "task \(taskID): \(reason)" }
}
