/// The measured duration of a video against the duration its callback reported.
public struct DurationCheck: Sendable, Equatable, Codable {
    public var reported: Double
    public var measured: Double
    /// `measured - reported`, seconds: negative when the file is shorter than promised.
    public var delta: Double
    public var tolerance: Double
    /// Whether `|delta| <= tolerance`.
    public var ok: Bool
    /// What a mismatch counts as under the settings the check ran with: a `warning` archives
    /// the task, an `error` fails it. Absent from indexes written before it was recorded.
    public var mismatch: Problem.Severity?

    public init(reported: Double, measured: Double, tolerance: Double, mismatch: Problem.Severity) {
        self.reported = reported
        self.measured = measured
        self.delta = ((measured - reported) * 1000).rounded() / 1000
        self.tolerance = tolerance
        self.ok = abs(measured - reported) <= tolerance
        self.mismatch = mismatch
    }
}

/// What a full decode of a video found.
public struct DecodeReport: Sendable, Equatable, Codable {
    /// Frames the decoder produced.
    public var frames: Int
    /// Packets the decoder refused plus frames it returned damaged (concealed or corrupt).
    public var errors: Int
    /// The first error, as FFmpeg words it, when there was one.
    public var firstError: String?

    enum CodingKeys: String, CodingKey {
        case frames, errors
        case firstError = "first_error"
    }

    public init(frames: Int, errors: Int, firstError: String? = nil) {
        self.frames = frames
        self.errors = errors
        self.firstError = firstError
    }
}
