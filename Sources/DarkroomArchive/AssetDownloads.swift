import DarkroomCore
import DarkroomFetch
import Foundation

/// Downloads every asset of a task into its folder in the staging folder, a few at a time.
struct AssetDownloads {
    let fetcher: Fetcher
    let concurrency: Int
    /// Shared by this task's downloads: its byte cap and the free-space reserve.
    let budget: DownloadBudget

    /// One asset's download: a file, or why there is none.
    struct Outcome: Sendable {
        var asset: String
        var result: FetchResult?
        var error: FetchError?
    }

    /// Every asset's outcome, by asset name. Failures of the asset (404, refused address, too
    /// large, retries used up) are outcomes; only a failure to store is thrown, as it would be
    /// the same for every task.
    func run(_ assets: [Asset], into folder: URL, taskID: String, progress: ArchiveProgressHandler?) async throws(ArchiveError) -> [String: Outcome] {
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            var waiting = assets[...]
            func startNext() {
                guard let asset = waiting.popFirst() else { return }
                group.addTask { await download(asset, into: folder, progress: progress) }
            }
            for _ in 0..<concurrency { startNext() }
            var outcomes: [String: Outcome] = [:]
            for await outcome in group {
                outcomes[outcome.asset] = outcome
                startNext()
            }
            return outcomes
        }
        for outcome in outcomes.values {
            switch outcome.error?.cause {
            case .destination(let reason): throw ArchiveError(.storage, taskID: taskID, reason)
            case .noSpace: throw ArchiveError(.noSpace, taskID: taskID, outcome.error!.description)
            case .cancelled: throw ArchiveError(.cancelled, taskID: taskID, "cancelled while downloading \(outcome.asset)")
            default: continue
            }
        }
        return outcomes
    }

    private func download(_ asset: Asset, into folder: URL, progress: ArchiveProgressHandler?) async -> Outcome {
        let name = asset.name
        let assetFolder = folder.appendingPathComponent(name, isDirectory: true)
        do throws(FileError) {
            try Folder.make(assetFolder)
        } catch {
            return Outcome(asset: name, error: FetchError(url: asset.url.redacted, cause: .destination(error.description)))
        }
        let destination = assetFolder.appendingPathComponent(Asset.downloadName).path
        do throws(FetchError) {
            let result = try await fetcher.fetch(asset.url, to: destination, budget: budget) { step in
                progress?(.downloading(asset: name, received: step.received, expected: step.expected))
            }
            progress?(.downloaded(asset: name, bytes: result.bytes))
            return Outcome(asset: name, result: result)
        } catch {
            progress?(.downloadFailed(asset: name, message: error.description))
            return Outcome(asset: name, error: error)
        }
    }
}
