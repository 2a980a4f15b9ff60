import Crypto
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import Foundation

/// Turns one succeeded callback into a finished task folder in the archive: downloads every
/// result, verifies it and makes its outputs, writes `index.json`, and commits the task to the
/// archive.
///
/// All of it is assembled in a local staging folder and committed to the archive whole
/// (`ArchiveStore.commit`: one rename into a folder, or the files then the index into a bucket),
/// replacing a former copy of the task as a whole. A crash or a failure at any point leaves the
/// archive without the task or with all of it, and the next run completes it.
/// Assets that cannot be downloaded or read are problems in the index; the good ones are
/// archived all the same.
public struct TaskArchiver: Sendable {
    public let archive: any ArchiveStore
    public let fetcher: Fetcher
    public let media: any MediaWork
    /// Downloads of one task that run at once.
    public let downloadConcurrency: Int
    /// Bytes that must stay free on the staging area's file system: a task starts its downloads only
    /// with more than this free, and a download whose announced size would take the free space
    /// under it waits (`ArchiveError.noSpace`, tried again later) instead of filling the disk.
    public let minFreeBytes: Int64
    /// The most bytes one task's downloads may hold together; 0 for no limit. A result that
    /// passes it is `too_large`; the results before it are archived.
    public let maxTaskBytes: Int64

    public init(
        archive: any ArchiveStore, fetcher: Fetcher, media: any MediaWork, downloadConcurrency: Int = 4,
        minFreeBytes: Int64 = 0, maxTaskBytes: Int64 = 0
    ) {
        self.archive = archive
        self.fetcher = fetcher
        self.media = media
        self.downloadConcurrency = max(1, downloadConcurrency)
        self.minFreeBytes = minFreeBytes
        self.maxTaskBytes = maxTaskBytes
    }

    /// The whole job in one call: `download`, then `finish`.
    public func archive(_ request: ArchiveRequest, progress: ArchiveProgressHandler? = nil) async throws(ArchiveError) -> TaskIndex {
        try await finish(try await download(request, progress: progress), progress: progress)
    }

    /// Removes what killed processes left in the staging area (each job's start does too): a
    /// process that starts again finds it clean.
    public func removeAbandonedStaging() {
        StagingFolder.removeAbandoned(in: archive.stagingRoot)
    }

    /// The index of this very request when the archive holds it already: an earlier attempt
    /// committed the task and its process died before the task store recorded it, perhaps
    /// before the commit's last steps, which are done now (`ArchiveStore.finishCommit`). The
    /// same callback (its time of arrival to the millisecond, and its bytes) is what tells; a
    /// new callback of the task, even with the same body, is a re-archive and gets no match.
    public func committedEarlier(_ request: ArchiveRequest) async throws(ArchiveError) -> TaskIndex? {
        let folder = ArchiveLayout.folder(for: request.event, fallback: request.receivedAt)
        guard let index = try? await archive.index(of: folder),
              index.receivedAt.millisecondsSince1970 == request.receivedAt.millisecondsSince1970,
              index.callback.sha256 == SHA256.hash(data: request.body).hexString else { return nil }
        do throws(ArchiveStoreError) {
            try await archive.finishCommit(index)
        } catch {
            throw ArchiveError(taskID: request.event.key.description, error)
        }
        return index
    }

    /// The first stage: stores the callback and downloads every result into a new staging
    /// folder. The service runs it with its own concurrency, so that downloads go on while
    /// the encoder is busy.
    public func download(_ request: ArchiveRequest, progress: ArchiveProgressHandler? = nil) async throws(ArchiveError) -> DownloadedTask {
        let event = request.event
        let taskID = event.taskID
        guard event.status == .succeeded else {
            let said = event.message.isEmpty ? "" : " (\"\(event.message)\")"
            throw ArchiveError(.notSucceeded, taskID: taskID, "the generator reports the task \(event.status.rawValue)\(said); only a succeeded task has results to archive")
        }
        StagingFolder.removeAbandoned(in: archive.stagingRoot)
        if minFreeBytes > 0, let free = DiskSpace.available(at: archive.stagingRoot), free < minFreeBytes {
            throw ArchiveError(.noSpace, taskID: taskID,
                "only \(free) bytes are free on the staging file system, under the reserve of \(minFreeBytes) (--min-free-bytes); the task waits for space")
        }
        let staging: StagingFolder
        let callback: StoredFile
        do throws(FileError) {
            staging = try StagingFolder(root: archive.stagingRoot)
            callback = try StoredFile.write(request.body, to: staging.url.appendingPathComponent("callback.json"), as: "callback.json")
        } catch {
            throw ArchiveError(taskID: taskID, error)
        }
        let budget = DownloadBudget(maxTaskBytes: maxTaskBytes, minFreeBytes: minFreeBytes, folder: staging.url)
        let downloads = try await AssetDownloads(fetcher: fetcher, concurrency: downloadConcurrency, budget: budget)
            .run(Asset.all(of: event), into: staging.url, taskID: taskID, progress: progress)
        return DownloadedTask(request: request, staging: staging, callback: callback, downloads: downloads)
    }

    /// The second stage: verifies each download and makes its outputs, writes `index.json`, and
    /// moves the task folder into the archive with its catalog line.
    public func finish(_ task: DownloadedTask, progress: ArchiveProgressHandler? = nil) async throws(ArchiveError) -> TaskIndex {
        let request = task.request
        let event = request.event
        let taskID = event.taskID
        let processing = AssetProcessing(media: media, folder: task.staging.url, taskID: taskID)
        let folder = ArchiveLayout.folder(for: event, fallback: request.receivedAt)
        let earlier = await EarlierGeneration(archive: archive, folder: folder)
        if let earlier, !task.downloads.isEmpty, task.downloads.values.allSatisfy({ $0.result == nil }) {
            throw ArchiveError(.keptArchived, taskID: taskID,
                "every download of the re-sent results failed; the task archived at \(IndexCoding.timestamp(earlier.index.archivedAt)) is kept as it was")
        }
        var videos: [VideoEntry] = []
        for video in event.videos {
            let name = Asset.video(video).name
            let download = task.downloads[name]
            if let kept = try await keep(earlier?.video(named: name), of: name, url: video.url, download: download, from: earlier, into: task) {
                videos.append(kept)
                continue
            }
            videos.append(try await step(.video(video), progress) { () async throws(ArchiveError) in
                try await processing.video(video, download: download)
            })
        }
        var images: [ImageEntry] = []
        for image in event.images {
            let name = Asset.image(image).name
            let download = task.downloads[name]
            if let kept = try await keep(earlier?.image(named: name), of: name, url: image.url, download: download, from: earlier, into: task) {
                images.append(kept)
                continue
            }
            images.append(try await step(.image(image), progress) { () async throws(ArchiveError) in
                try await processing.image(image, download: download)
            })
        }
        if Task.isCancelled {
            throw ArchiveError(.cancelled, taskID: taskID, "cancelled before the task folder was moved into the archive")
        }

        let index = TaskIndex(
            task: TaskInfo(event: event, tags: request.tags),
            folder: folder,
            receivedAt: request.receivedAt, archivedAt: Date(), history: request.history,
            callback: task.callback, videos: videos, images: images
        )
        progress?(.committing)
        do throws(ArchiveStoreError) {
            if try await archive.commit(index, from: task.staging.url) { task.staging.committed() }
        } catch {
            throw ArchiveError(taskID: taskID, error)
        }
        return index
    }

    /// The archived entry of an asset, its files linked into the staging folder, when the
    /// earlier generation keeps it (see `EarlierGeneration`); nil to process the new download.
    private func keep<Entry: KeepableEntry>(
        _ old: Entry?, of asset: String, url: URL, download: AssetDownloads.Outcome?, from earlier: EarlierGeneration?, into task: DownloadedTask
    ) async throws(ArchiveError) -> Entry? {
        guard let earlier, let old, let reason = EarlierGeneration.keeps(old.source, download) else { return nil }
        do throws(ArchiveStoreError) {
            try await earlier.copy(old.files, asset: asset, into: task.staging.url)
        } catch {
            throw ArchiveError(taskID: task.request.event.taskID, error)
        }
        var entry = earlier.mark(old, reason, asset: asset, error: download?.error?.description)
        entry.url = url.redacted
        return entry
    }

    /// Processes one asset, telling `progress` when it starts and how it ended.
    private func step<Entry: AssetEntry>(
        _ asset: Asset, _ progress: ArchiveProgressHandler?, _ work: () async throws(ArchiveError) -> Entry
    ) async throws(ArchiveError) -> Entry {
        progress?(.processing(asset: asset.name))
        let entry = try await work()
        progress?(.processed(asset: asset.name, problems: entry.problems.count))
        return entry
    }
}
