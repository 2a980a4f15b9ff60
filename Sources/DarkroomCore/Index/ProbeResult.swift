/// What a probe found in a media file: the `probe` object of the index file
/// (`shared/examples/index.json`), with the same field names. Values a file does not have
/// (no audio stream, no header duration) are left out of the JSON.
public struct ProbeResult: Sendable, Equatable, Codable {
    /// libavformat's name of the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var container: String
    /// Seconds, as the container's header states; nil when it states none.
    public var durationHeader: Double?
    /// Seconds, from the packets really in the file: the main stream's last timestamp plus its
    /// duration, minus its first. A file cut short keeps its header duration but not this one.
    public var durationMeasured: Double?
    /// Bits per second, as libavformat reports for the whole file.
    public var bitRate: Int?
    public var video: VideoStreamProbe?
    public var audio: AudioStreamProbe?
    /// Why demuxing stopped before the end of the file, when it did (a truncated or damaged file).
    public var readError: String?

    enum CodingKeys: String, CodingKey {
        case container
        case durationHeader = "duration_header"
        case durationMeasured = "duration_measured"
        case bitRate = "bit_rate"
        case video, audio
        case readError = "read_error"
    }

    public init(
        container: String, durationHeader: Double?, durationMeasured: Double?, bitRate: Int?,
        video: VideoStreamProbe?, audio: AudioStreamProbe?, readError: String? = nil
    ) {
        self.container = container
        self.durationHeader = durationHeader
        self.durationMeasured = durationMeasured
        self.bitRate = bitRate
        self.video = video
        self.audio = audio
        self.readError = readError
    }
}

/// The main video stream of a probed file.
public struct VideoStreamProbe: Sendable, Equatable, Codable {
    /// FFmpeg's codec name: `h264`, `hevc`, `vp9`, `png`, …
    public var codec: String
    /// The codec profile's name (`High`, `Main 10`), nil when the codec has none.
    public var profile: String?
    /// Coded width and height, before rotation.
    public var width: Int
    public var height: Int
    public var pixFmt: String?
    /// The average frame rate as a reduced fraction, `30/1` or `30000/1001`.
    public var frameRate: String?
    /// Packets of this stream in the file; one frame each for the codecs generators produce.
    public var frames: Int
    /// Degrees to turn the decoded picture clockwise to show it upright (0, 90, 180 or 270
    /// for phone footage), from the display matrix. 90 is a portrait clip stored landscape.
    public var rotation: Int

    enum CodingKeys: String, CodingKey {
        case codec, profile, width, height
        case pixFmt = "pix_fmt"
        case frameRate = "frame_rate"
        case frames, rotation
    }

    public init(codec: String, profile: String?, width: Int, height: Int, pixFmt: String?, frameRate: String?, frames: Int, rotation: Int) {
        self.codec = codec
        self.profile = profile
        self.width = width
        self.height = height
        self.pixFmt = pixFmt
        self.frameRate = frameRate
        self.frames = frames
        self.rotation = rotation
    }
}

/// The main audio stream of a probed file.
public struct AudioStreamProbe: Sendable, Equatable, Codable {
    public var codec: String
    public var sampleRate: Int
    public var channels: Int

    enum CodingKeys: String, CodingKey {
        case codec
        case sampleRate = "sample_rate"
        case channels
    }

    public init(codec: String, sampleRate: Int, channels: Int) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
