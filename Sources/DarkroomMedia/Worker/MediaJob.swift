import DarkroomCore
import Foundation

/// One asset's media work as the service hands it to a `darkroom media-job` child on its
/// standard input, and what the child answers on its standard output: one JSON object a line,
/// `{"duration": S}` once the video is probed (the parent scales the deadline to it), then
/// `{"video": …}` / `{"image": …}` or `{"error": …}`.
public struct MediaJob: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case video, image }

    public var kind: Kind
    public var path: String
    public var folder: String
    public var pathPrefix: String
    public var reportedDuration: Double?
    public var asset: String
    public var settings: MediaSettings
    public var limits: MediaWorkerLimits

    public init(kind: Kind, path: String, folder: String, pathPrefix: String, reportedDuration: Double?, asset: String,
                settings: MediaSettings, limits: MediaWorkerLimits) {
        self.kind = kind
        self.path = path
        self.folder = folder
        self.pathPrefix = pathPrefix
        self.reportedDuration = reportedDuration
        self.asset = asset
        self.settings = settings
        self.limits = limits
    }

    /// A line of the child's answer.
    public struct Message: Sendable, Codable {
        public var duration: Double?
        public var video: VideoEntry?
        public var image: ImageEntry?
        public var error: Failure?

        public init(duration: Double? = nil, video: VideoEntry? = nil, image: ImageEntry? = nil, error: Failure? = nil) {
            self.duration = duration
            self.video = video
            self.image = image
            self.error = error
        }
    }

    /// A `MediaError` on the wire.
    public struct Failure: Sendable, Codable {
        public var output: Bool
        public var input: String
        public var reason: String

        public init(_ error: MediaError) {
            output = error.kind == .output
            input = error.input
            reason = error.reason
        }

        var mediaError: MediaError { MediaError(output ? .output : .unsupported, input: input, reason) }
    }
}
