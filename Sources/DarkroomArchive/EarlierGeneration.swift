import DarkroomCore
import Foundation

/// The task's generation already in the archive, when a later succeeded callback archives it
/// again. A re-archive never loses a file the archive holds: an asset whose new download fails
/// keeps its archived files, and one whose new download has the same bytes keeps its archived
/// outputs without being processed again. Kept files are copied into the staging folder by
/// the archive (`ArchiveStore.copy`: a hard link in a folder, a download from a bucket).
struct EarlierGeneration {
    let index: TaskIndex
    let archive: any ArchiveStore

    /// The archived generation in `folder` (relative to the archive), if there is one whose
    /// index reads.
    init?(archive: any ArchiveStore, folder: String) async {
        guard let index = try? await archive.index(of: folder) else { return nil }
        self.index = index
        self.archive = archive
    }

    /// What becomes of an asset with the archived `source`, given its new download: kept
    /// (and why), or nil to process the new download.
    static func keeps(_ source: StoredFile?, _ download: AssetDownloads.Outcome?) -> KeptAsset.Reason? {
        guard let source else { return nil }
        guard let result = download?.result else { return .downloadFailed }
        return result.sha256 == source.sha256 ? .unchanged : nil
    }

    func video(named name: String) -> VideoEntry? {
        index.videos.first { $0.source?.path.hasPrefix(name + "/") == true }
    }

    func image(named name: String) -> ImageEntry? {
        index.images.first { $0.source?.path.hasPrefix(name + "/") == true }
    }

    /// Copies `files` of the archived generation into `staging`, in place of whatever the new
    /// download left in the asset's folder.
    func copy(_ files: [StoredFile], asset: String, into staging: URL) async throws(ArchiveStoreError) {
        let target = staging.appendingPathComponent(asset, isDirectory: true)
        try? FileManager.default.removeItem(at: target)
        for file in files {
            let destination = staging.appendingPathComponent(file.path)
            do throws(FileError) {
                try Folder.make(destination.deletingLastPathComponent())
            } catch {
                throw ArchiveStoreError(error)
            }
            try await archive.copy(file, of: index, to: destination)
        }
    }

    /// The entry's marks for a kept asset: when its files were archived, and for a failed
    /// download a warning that says the archived copy stays (replacing an earlier such warning).
    func mark<Entry: KeepableEntry>(_ entry: Entry, _ reason: KeptAsset.Reason, asset: String, error: String?) -> Entry {
        var kept = entry
        kept.kept = KeptAsset(reason: reason, archivedAt: entry.kept?.archivedAt ?? index.archivedAt)
        kept.problems.removeAll { $0.kind == .downloadFailed && $0.severity == .warning }
        if reason == .downloadFailed {
            let when = IndexCoding.timestamp(kept.kept!.archivedAt)
            kept.problems.append(Problem(.downloadFailed, severity: .warning, asset: asset,
                "the new URL could not be downloaded (\(error ?? "no answer")); the copy archived at \(when) is kept"))
        }
        return kept
    }
}

/// An asset entry that can be carried over from an earlier generation.
protocol KeepableEntry {
    var url: String? { get set }
    var source: StoredFile? { get }
    var files: [StoredFile] { get }
    var kept: KeptAsset? { get set }
    var problems: [Problem] { get set }
}

extension VideoEntry: KeepableEntry {}
extension ImageEntry: KeepableEntry {}
