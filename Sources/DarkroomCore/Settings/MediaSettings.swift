/// What the media pipeline makes of each video and image, and the limits it enforces.
/// The defaults are what DESIGN.md promises; every value can be changed by configuration.
public struct MediaSettings: Sendable, Equatable, Codable {
    /// Largest accepted |measured − reported| duration, seconds.
    public var durationTolerance: Double = 0.5
    /// Whether a duration mismatch fails the task (`error`) or only warns (`warning`).
    public var durationMismatchIsError = false
    public var thumbnails = ThumbnailSettings()
    public var storyboard = StoryboardSettings()
    /// Made in this order; each name is also the rendition's file name (`web.mp4`).
    public var renditions: [RenditionProfile] = [.web, .preview]
    public var limits = MediaLimits()
    /// Decoder threads; 0 means one per core. (FFmpeg's own choice, cores + 1, holds more
    /// frames in memory for no gain in speed on 2 cores.)
    public var decoderThreads = 0

    public init() {}
}

/// Poster and thumbnail frames.
public struct ThumbnailSettings: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Equatable, CaseIterable, Codable {
        case jpeg, webp

        public var fileExtension: String {
            switch self {
            case .jpeg: "jpg"
            case .webp: "webp"
            }
        }
    }

    /// Evenly spaced thumbnails: the i-th (from 0) shows time (i + 0.5) × duration / count.
    public var count = 5
    /// Width in pixels of the upright picture; the height keeps the aspect. Never scaled up.
    public var width = 640
    public var format = Format.jpeg
    /// Where the poster frame is, as a fraction of the duration.
    public var posterPosition = 0.5
    /// JPEG quality as FFmpeg's `-q:v` (2 best … 31 worst); WebP uses 100 − 3 × this.
    public var quality = 3

    public init() {}
}

/// The scrubbing storyboard: one tile per `interval` seconds, at most `maxTiles`.
public struct StoryboardSettings: Sendable, Equatable, Codable {
    public var enabled = true
    public var tileWidth = 160
    /// Seconds per tile; longer videos get a longer interval so the tiles stay within `maxTiles`.
    public var interval = 1.0
    public var maxTiles = 100
    public var maxColumns = 10

    public init() {}
}

/// Hostile or absurd media is refused before it is decoded.
public struct MediaLimits: Sendable, Equatable, Codable {
    /// Largest frame or image, in pixels (width × height). Default: 8K UHD, 7680 × 4320.
    public var maxPixels = 7680 * 4320
    /// Longest video, seconds (header or measured). Default: 3 hours.
    public var maxDuration = 3.0 * 3600
    /// Most streams a container may declare. Generators deliver one video and one audio
    /// stream; phones add a few metadata tracks. Each stream the demuxer keeps costs memory and
    /// may cost a decoder while it is probed, so a file with hundreds is refused at open.
    public var maxStreams = 16
    /// Bytes and microseconds of media that opening a file may read and decode to learn its
    /// streams' parameters (FFmpeg's `probesize` and `analyzeduration`).
    public var probeBytes = 5_000_000
    public var probeMicroseconds = 5_000_000

    public init() {}
}
