/// Something wrong with one asset of a task, said so that a person can act on it.
///
/// Problems never stop the rest of the task: a video whose duration does not match is still
/// archived with its thumbnails, and the problem tells the user why not to trust it.
public struct Problem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The measured duration differs from the reported one by more than the tolerance.
        case durationMismatch = "duration_mismatch"
        /// The file ends before its own header says it does, or cannot be read to its end.
        case truncated
        /// The decoder met damaged data: frames were lost or concealed.
        case decodeErrors = "decode_errors"
        /// The result could not be downloaded.
        case downloadFailed = "download_failed"
        /// Not media Darkroom can read: not a video or image, an unknown codec, no picture.
        case unsupportedMedia = "unsupported_media"
        /// Bigger than the configured limits (pixels per frame, duration, bytes).
        case tooLarge = "too_large"
        /// The media worker (a child process) died: a crash, or a resource limit that kills
        /// (memory, file size, CPU time). The source is kept; its outputs are not made.
        case mediaCrashed = "media_crashed"
        /// The media worker did not finish within its deadline and was stopped.
        case mediaTimeout = "media_timeout"
        /// One output (the storyboard, a thumbnail) could not be made for this picture, an
        /// extreme aspect ratio say; the asset and its other outputs are fine. Always a warning.
        case outputSkipped = "output_skipped"
    }

    public enum Severity: String, Sendable, Codable {
        /// The asset is archived but should be looked at; the task's verdict is `warning`.
        case warning
        /// The asset is not usable as delivered; the task's verdict is `failed`.
        case error
    }

    public var kind: Kind
    public var severity: Severity
    /// The asset concerned: `videos/<id>` or `images/<index>`.
    public var asset: String
    public var message: String

    public init(_ kind: Kind, severity: Severity = .error, asset: String, _ message: String) {
        self.kind = kind
        self.severity = severity
        self.asset = asset
        self.message = message
    }
}
