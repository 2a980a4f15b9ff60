import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import Foundation

/// Turns each downloaded asset into its index entry: verifies it and makes its outputs with the
/// media pipeline (in this process or a child, as `media` says), then gives the source its name
/// from its content. A source whose media work died keeps its download, named `source.bin`. An asset whose download failed gets an entry with a `download_failed`
/// problem, so the task says what is missing.
struct AssetProcessing {
    let media: any MediaWork
    let folder: URL
    let taskID: String

    func video(_ video: ReportedVideo, download: AssetDownloads.Outcome?) async throws(ArchiveError) -> VideoEntry {
        let asset = Asset.video(video)
        var entry = VideoEntry(id: video.id, url: video.url.redacted, reportedDuration: video.reportedDuration)
        guard let result = download?.result else {
            entry.problems = [Self.downloadProblem(asset, download?.error)]
            return entry
        }
        let assetFolder = folder.appendingPathComponent(asset.name, isDirectory: true)
        let prefix = asset.name + "/"
        let made: VideoEntry
        do {
            made = try await media.video(at: result.path, into: assetFolder, pathPrefix: prefix,
                                         reportedDuration: video.reportedDuration, asset: asset.name)
        } catch {
            throw ArchiveError(taskID: taskID, error)
        }
        entry.probe = made.probe
        entry.durationCheck = made.durationCheck
        entry.decode = made.decode
        entry.poster = made.poster
        entry.thumbnails = made.thumbnails
        entry.storyboard = made.storyboard
        entry.renditions = made.renditions
        entry.problems = made.problems
        entry.source = try keep(result, as: SourceName.video(made.probe), in: asset)
        return entry
    }

    func image(_ image: ReportedImage, download: AssetDownloads.Outcome?) async throws(ArchiveError) -> ImageEntry {
        let asset = Asset.image(image)
        guard let result = download?.result else {
            return ImageEntry(index: image.index, url: image.url.redacted, problems: [Self.downloadProblem(asset, download?.error)])
        }
        let assetFolder = folder.appendingPathComponent(asset.name, isDirectory: true)
        var entry: ImageEntry
        do {
            entry = try await media.image(at: result.path, into: assetFolder, pathPrefix: asset.name + "/", asset: asset.name)
        } catch {
            throw ArchiveError(taskID: taskID, error)
        }
        entry.index = image.index
        entry.url = image.url.redacted
        entry.source = try keep(result, as: SourceName.image(entry.probe), in: asset)
        return entry
    }

    /// Renames the download to its final name and describes it with what the download measured.
    private func keep(_ result: FetchResult, as name: String, in asset: Asset) throws(ArchiveError) -> StoredFile {
        let destination = folder.appendingPathComponent(asset.name).appendingPathComponent(name)
        guard rename(result.path, destination.path) == 0 else {
            throw ArchiveError(taskID: taskID, FileError(path: destination.path, operation: "rename", errno: errno))
        }
        return StoredFile(path: asset.name + "/" + name, bytes: Int(result.bytes), sha256: result.sha256, contentType: result.contentType)
    }

    private static func downloadProblem(_ asset: Asset, _ error: FetchError?) -> Problem {
        var message = "could not be downloaded: " + (error?.description ?? asset.url.redacted)
        switch error?.cause {
        case .httpStatus(let status) where [403, 404, 410].contains(status):
            message += "; result URLs expire, so it may be gone: ask the generator for the result again"
        case .tooLarge, .taskTooLarge:
            return Problem(.tooLarge, asset: asset.name, message)
        default:
            break
        }
        return Problem(.downloadFailed, asset: asset.name, message)
    }
}
