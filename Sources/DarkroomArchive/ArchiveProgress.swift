/// Receives an archive job's progress, from any thread.
public typealias ArchiveProgressHandler = @Sendable (ArchiveProgress) -> Void

/// What an archive job is doing, for a progress display. Assets are named as in problems
/// (`videos/<id>`, `images/<index>`, ids made safe).
public enum ArchiveProgress: Sendable, Equatable {
    case downloading(asset: String, received: Int64, expected: Int64?)
    case downloaded(asset: String, bytes: Int64)
    case downloadFailed(asset: String, message: String)
    /// Verifying the asset and making its thumbnails and renditions.
    case processing(asset: String)
    case processed(asset: String, problems: Int)
    /// Syncing the task folder and moving it into the archive.
    case committing
}
