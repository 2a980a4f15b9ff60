/// The media keys of the JSON config file that `serve`, `process` and `media` take
/// (docs/media.md, "Settings"): each one checked, with its key path in the message.
extension MediaSettings {
    /// The top-level keys this reads; the rest of the file belongs to the other settings.
    public static let configKeys = [
        "renditions", "thumbnails", "storyboard", "duration-tolerance", "duration-mismatch",
        "max-pixels", "max-duration", "max-streams", "probe-bytes", "probe-microseconds", "decoder-threads",
    ]

    /// Ranges that keep every value within what the pipeline and FFmpeg can do; shared by the
    /// command-line flags.
    public static let toleranceRange = 0.0...3600.0
    public static let mismatchChoices = ["warning", "error"]

    /// The defaults with whatever the file's media keys say instead.
    public init(config file: [String: JSONValue]) throws(ConfigError) {
        self.init()
        let top = ConfigObject(fields: file)
        if let items = try top.array("renditions") {
            renditions = try Self.renditions(items)
        }
        if let object = try top.object("thumbnails") { try thumbnails.read(object) }
        if let object = try top.object("storyboard") { try storyboard.read(object) }
        durationTolerance = try top.double("duration-tolerance", in: Self.toleranceRange) ?? durationTolerance
        if let mismatch = try top.choice("duration-mismatch", Self.mismatchChoices) { durationMismatchIsError = mismatch == "error" }
        try limits.read(top)
        decoderThreads = try top.int("decoder-threads", in: 0...64) ?? decoderThreads
    }

    private static func renditions(_ items: [JSONValue]) throws(ConfigError) -> [RenditionProfile] {
        var profiles: [RenditionProfile] = []
        for (position, item) in items.enumerated() {
            let object = try ConfigObject(item, at: "renditions[\(position)]")
            let profile = try RenditionProfile(object)
            if profiles.contains(where: { $0.name == profile.name }) {
                throw ConfigError(path: object.keyPath("name"), "\"\(profile.name)\" names an earlier rendition too; each makes its own file, <name>.mp4")
            }
            profiles.append(profile)
        }
        return profiles
    }
}

extension RenditionProfile {
    static let configKeys = ["name", "codec", "max-long-side", "max-short-side", "crf", "preset", "h264-profile", "audio-bit-rate", "allow-copy"]
    /// libx264's and libx265's presets, fastest first.
    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
    public static let h264Profiles = ["baseline", "main", "high"]

    /// A profile from the file: `name` and the box are required, the rest default to the
    /// `web` profile's values.
    init(_ object: ConfigObject) throws(ConfigError) {
        try object.refuseUnknown(Self.configKeys)
        guard let name = try object.string("name") else { throw ConfigError(path: object.keyPath("name"), "is required") }
        // The name becomes the file `<name>.mp4` beside the video's `source.mp4`.
        guard SafeName.isSafe(name) else {
            throw ConfigError(path: object.keyPath("name"), "must be 1…128 of A-Z a-z 0-9 . _ - and not start with a dot (got \(JSONValue.string(name).displayText))")
        }
        guard name != "source" else { throw ConfigError(path: object.keyPath("name"), "\"source\" is the video's own file, source.mp4") }
        let sides = 16...8192
        guard let long = try object.int("max-long-side", in: sides) else { throw ConfigError(path: object.keyPath("max-long-side"), "is required") }
        guard let short = try object.int("max-short-side", in: sides) else { throw ConfigError(path: object.keyPath("max-short-side"), "is required") }
        guard short <= long else {
            throw ConfigError(path: object.keyPath("max-short-side"), "must be at most max-long-side (\(long)); the box holds pictures either way round")
        }
        let web = RenditionProfile.web
        let codec = try object.choice("codec", VideoCodec.allCases.map(\.rawValue)).flatMap(VideoCodec.init(rawValue:)) ?? .h264
        self.init(
            name: name, codec: codec, maxLongSide: long, maxShortSide: short,
            crf: try object.int("crf", in: 0...51) ?? web.crf,
            preset: try object.choice("preset", Self.presets) ?? web.preset,
            audioBitRate: try object.int("audio-bit-rate", in: 16_000...512_000) ?? web.audioBitRate,
            allowCopy: try object.bool("allow-copy") ?? web.allowCopy)
        if let profile = try object.choice("h264-profile", Self.h264Profiles) {
            guard codec == .h264 else { throw ConfigError(path: object.keyPath("h264-profile"), "only an h264 rendition has one (this one is \(codec.rawValue))") }
            h264Profile = profile
        }
    }
}

extension ThumbnailSettings {
    mutating func read(_ object: ConfigObject) throws(ConfigError) {
        try object.refuseUnknown(["count", "width", "format", "poster-position", "quality"])
        count = try object.int("count", in: 0...100) ?? count
        width = try object.int("width", in: 16...4096) ?? width
        if let name = try object.choice("format", Format.allCases.map(\.rawValue)) { format = Format(rawValue: name) ?? format }
        posterPosition = try object.double("poster-position", in: 0...1) ?? posterPosition
        quality = try object.int("quality", in: 2...31) ?? quality
    }
}

extension StoryboardSettings {
    mutating func read(_ object: ConfigObject) throws(ConfigError) {
        try object.refuseUnknown(["enabled", "tile-width", "interval", "max-tiles", "max-columns"])
        enabled = try object.bool("enabled") ?? enabled
        tileWidth = try object.int("tile-width", in: 16...1024) ?? tileWidth
        interval = try object.double("interval", in: 0.1...3600) ?? interval
        maxTiles = try object.int("max-tiles", in: 1...1000) ?? maxTiles
        maxColumns = try object.int("max-columns", in: 1...100) ?? maxColumns
    }
}

extension MediaLimits {
    /// The limits are top-level keys, as the `media` command's flags (`--max-pixels`) name them.
    mutating func read(_ top: ConfigObject) throws(ConfigError) {
        maxPixels = try top.int("max-pixels", in: 1...(1 << 30)) ?? maxPixels
        maxDuration = try top.double("max-duration", in: 1...(7 * 86_400)) ?? maxDuration
        maxStreams = try top.int("max-streams", in: 1...1024) ?? maxStreams
        probeBytes = try top.int("probe-bytes", in: 32...(1 << 30)) ?? probeBytes
        probeMicroseconds = try top.int("probe-microseconds", in: 0...600_000_000) ?? probeMicroseconds
    }
}
