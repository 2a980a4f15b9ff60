/// One video of a task, as the index file lists it (`videos[]` in `shared/examples/index.json`).
///
/// The media pipeline fills what it measured and made (`probe` … `renditions`, `problems`);
/// the archive adds where the video came from (`id`, `url`, `reported_duration`, `source`).
/// Whatever could not be made is absent, and `problems` says why.
public struct VideoEntry: Sendable, Equatable, Codable {
    public var id: String?
    public var url: String?
    public var reportedDuration: Double?
    public var source: StoredFile?
    public var probe: ProbeResult?
    public var durationCheck: DurationCheck?
    public var decode: DecodeReport?
    public var poster: StillImage?
    public var thumbnails: [StillImage]
    public var storyboard: Storyboard?
    public var renditions: [Rendition]
    /// This video's problems; the task's `problems` gathers those of all its assets.
    public var problems: [Problem]
    /// Present when the files are the earlier generation's (see `KeptAsset`).
    public var kept: KeptAsset?

    enum CodingKeys: String, CodingKey {
        case id, url
        case reportedDuration = "reported_duration"
        case source, probe
        case durationCheck = "duration_check"
        case decode, poster, thumbnails, storyboard, renditions, problems, kept
    }

    /// The video's files: its source and what was made from it.
    public var files: [StoredFile] {
        [source, poster?.file].compactMap { $0 } + thumbnails.map(\.file)
            + (storyboard.map { [$0.image, $0.vtt] } ?? []) + renditions.map(\.file)
    }

    public init(
        id: String? = nil, url: String? = nil, reportedDuration: Double? = nil, source: StoredFile? = nil,
        probe: ProbeResult? = nil, durationCheck: DurationCheck? = nil, decode: DecodeReport? = nil,
        poster: StillImage? = nil, thumbnails: [StillImage] = [], storyboard: Storyboard? = nil,
        renditions: [Rendition] = [], problems: [Problem] = []
    ) {
        self.id = id
        self.url = url
        self.reportedDuration = reportedDuration
        self.source = source
        self.probe = probe
        self.durationCheck = durationCheck
        self.decode = decode
        self.poster = poster
        self.thumbnails = thumbnails
        self.storyboard = storyboard
        self.renditions = renditions
        self.problems = problems
    }
}

/// One image of a task, as the index file lists it (`images[]`).
public struct ImageEntry: Sendable, Equatable, Codable {
    /// The image's position in the callback's list.
    public var index: Int?
    public var url: String?
    public var source: StoredFile?
    public var probe: ImageProbe?
    public var thumbnail: StillImage?
    public var problems: [Problem]
    /// Present when the files are the earlier generation's (see `KeptAsset`).
    public var kept: KeptAsset?

    /// The image's files: its source and its thumbnail.
    public var files: [StoredFile] { [source, thumbnail?.file].compactMap { $0 } }

    public init(index: Int? = nil, url: String? = nil, source: StoredFile? = nil, probe: ImageProbe? = nil,
                thumbnail: StillImage? = nil, problems: [Problem] = []) {
        self.index = index
        self.url = url
        self.source = source
        self.probe = probe
        self.thumbnail = thumbnail
        self.problems = problems
    }
}

/// What decoding an image found: its real format (from the bytes, not the name) and size.
public struct ImageProbe: Sendable, Equatable, Codable {
    /// FFmpeg's codec name: `png`, `mjpeg` (JPEG) or `webp`.
    public var codec: String
    public var width: Int
    public var height: Int
    public var pixFmt: String?

    enum CodingKeys: String, CodingKey {
        case codec, width, height
        case pixFmt = "pix_fmt"
    }

    public init(codec: String, width: Int, height: Int, pixFmt: String?) {
        self.codec = codec
        self.width = width
        self.height = height
        self.pixFmt = pixFmt
    }

    /// The file extension the archive gives an image in this codec.
    public var fileExtension: String {
        switch codec {
        case "mjpeg": "jpg"
        default: codec
        }
    }
}
