import DarkroomCore
import Foundation

/// Who runs the media pipeline on one downloaded asset: this process (`InProcessMedia`, for
/// `darkroom process` and library tests) or a child process under resource limits
/// (`MediaWorkerProcess`, for the service). Either answers with the asset's index entry; only
/// failures of the environment (an output that cannot be written) are thrown.
public protocol MediaWork: Sendable {
    var settings: MediaSettings { get }
    func video(at path: String, into folder: URL, pathPrefix: String, reportedDuration: Double?, asset: String) async throws(MediaError) -> VideoEntry
    func image(at path: String, into folder: URL, pathPrefix: String, asset: String) async throws(MediaError) -> ImageEntry
}

/// The pipeline in this process, on a thread of its own, as its work blocks.
public struct InProcessMedia: MediaWork {
    public let processor: MediaProcessor

    public init(_ processor: MediaProcessor = MediaProcessor()) {
        self.processor = processor
    }

    public var settings: MediaSettings { processor.settings }

    public func video(at path: String, into folder: URL, pathPrefix: String, reportedDuration: Double?, asset: String) async throws(MediaError) -> VideoEntry {
        try await OwnThread.run(name: "darkroom-media") { () -> Result<VideoEntry, MediaError> in
            Result { () throws(MediaError) in
                try processor.video(at: path, into: folder, pathPrefix: pathPrefix, reportedDuration: reportedDuration, asset: asset)
            }
        }.get()
    }

    public func image(at path: String, into folder: URL, pathPrefix: String, asset: String) async throws(MediaError) -> ImageEntry {
        try await OwnThread.run(name: "darkroom-media") { () -> Result<ImageEntry, MediaError> in
            Result { () throws(MediaError) in try processor.image(at: path, into: folder, pathPrefix: pathPrefix, asset: asset) }
        }.get()
    }
}
