import DarkroomCore

/// A task between the two stages of its job: its results downloaded into a staging folder,
/// waiting for the media stage. Owns the staging folder: dropping it unfinished removes the
/// folder and everything downloaded.
public final class DownloadedTask: Sendable {
    public let request: ArchiveRequest
    let staging: StagingFolder
    let callback: StoredFile
    let downloads: [String: AssetDownloads.Outcome]

    init(request: ArchiveRequest, staging: StagingFolder, callback: StoredFile, downloads: [String: AssetDownloads.Outcome]) {
        self.request = request
        self.staging = staging
        self.callback = callback
        self.downloads = downloads
    }

    /// Bytes downloaded for the task, all assets together.
    public var downloadedBytes: Int64 {
        downloads.values.reduce(0) { $0 + ($1.result?.bytes ?? 0) }
    }
}
