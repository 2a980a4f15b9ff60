/// A publishing rendition: what codec, how large at most, at what quality, with what audio.
///
/// Sizes are a box in either orientation: the upright picture is scaled down (never up), aspect
/// kept, until its long side fits `maxLongSide` and its short side `maxShortSide`; both
/// dimensions are then made even, as H.264 in yuv420p needs.
public struct RenditionProfile: Sendable, Equatable, Codable {
    public enum VideoCodec: String, Sendable, Equatable, CaseIterable, Codable {
        /// H.264 through libx264.
        case h264
        /// H.265 through libx265, tagged `hvc1` for Apple players.
        case hevc
    }

    /// Names the file (`<name>.mp4`) and the rendition in the index.
    public var name: String
    public var codec = VideoCodec.h264
    public var maxLongSide: Int
    public var maxShortSide: Int
    /// Constant rate factor (lower is better and larger), as libx264/libx265 take it.
    public var crf: Int
    /// Encoder speed preset (`ultrafast` … `veryslow`).
    public var preset: String
    /// Codec profile for H.264 (`high`, `main`, `baseline`); nil for HEVC, which has its own
    /// (and an index that named an H.264 one for it would mislead).
    public var h264Profile: String?
    /// AAC bit rate, bits per second.
    public var audioBitRate: Int
    /// Whether a source that already meets the profile is stream-copied instead of re-encoded.
    public var allowCopy = true

    enum CodingKeys: String, CodingKey {
        case name, codec, crf, preset
        case maxLongSide = "max_long_side"
        case maxShortSide = "max_short_side"
        case h264Profile = "h264_profile"
        case audioBitRate = "audio_bit_rate"
        case allowCopy = "allow_copy"
    }

    public init(name: String, codec: VideoCodec = .h264, maxLongSide: Int, maxShortSide: Int, crf: Int, preset: String,
                audioBitRate: Int, allowCopy: Bool = true) {
        self.name = name
        self.codec = codec
        h264Profile = codec == .h264 ? "high" : nil
        self.maxLongSide = maxLongSide
        self.maxShortSide = maxShortSide
        self.crf = crf
        self.preset = preset
        self.audioBitRate = audioBitRate
        self.allowCopy = allowCopy
    }

    /// H.264 High, yuv420p, at most 1920×1080 (either way round), CRF 20, AAC 128 kb/s.
    public static let web = RenditionProfile(
        name: "web", maxLongSide: 1920, maxShortSide: 1080, crf: 20, preset: "medium", audioBitRate: 128_000)

    /// H.264 at most 854×480 (480p, or 480 wide for portrait), CRF 23 veryfast, AAC 96 kb/s.
    public static let preview = RenditionProfile(
        name: "preview", maxLongSide: 854, maxShortSide: 480, crf: 23, preset: "veryfast", audioBitRate: 96_000)
}
