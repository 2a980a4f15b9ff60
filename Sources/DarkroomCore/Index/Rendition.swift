/// A publishing rendition of a video, made from a profile, with what a probe of the written
/// file found (not what was asked for).
public struct Rendition: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable {
        /// The source already met the profile: its packets were copied, not re-encoded.
        case copy
        case encode
    }

    public struct Video: Sendable, Equatable, Codable {
        public var codec: String
        public var width: Int
        public var height: Int

        public init(codec: String, width: Int, height: Int) {
            self.codec = codec
            self.width = width
            self.height = height
        }
    }

    public struct Audio: Sendable, Equatable, Codable {
        public var codec: String

        public init(codec: String) { self.codec = codec }
    }

    public var profile: String
    /// The profile's values as this rendition was made with them: what the operator had
    /// configured then, which may not be what is configured now.
    public var settings: RenditionProfile?
    public var method: Method
    public var file: StoredFile
    /// Seconds, measured from the written file's packets.
    public var duration: Double?
    /// Whether the `moov` index comes before the media data, so playback starts before the
    /// whole file has arrived.
    public var faststart: Bool
    public var video: Video?
    /// Nil when the rendition has no audio (because the source had none).
    public var audio: Audio?

    enum CodingKeys: String, CodingKey {
        case profile, settings, method, duration, faststart, video, audio
    }

    public init(profile: RenditionProfile, method: Method, file: StoredFile, duration: Double?, faststart: Bool, video: Video?, audio: Audio?) {
        self.profile = profile.name
        settings = profile
        self.method = method
        self.file = file
        self.duration = duration
        self.faststart = faststart
        self.video = video
        self.audio = audio
    }

    // The index flattens the file's path, bytes and sha256 into this object.
    public init(from decoder: any Decoder) throws {
        file = try StoredFile(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decode(String.self, forKey: .profile)
        settings = try container.decodeIfPresent(RenditionProfile.self, forKey: .settings)
        method = try container.decode(Method.self, forKey: .method)
        duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        faststart = try container.decode(Bool.self, forKey: .faststart)
        video = try container.decodeIfPresent(Video.self, forKey: .video)
        audio = try container.decodeIfPresent(Audio.self, forKey: .audio)
    }

    public func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encodeIfPresent(settings, forKey: .settings)
        try container.encode(method, forKey: .method)
        try container.encodeIfPresent(duration, forKey: .duration)
        try container.encode(faststart, forKey: .faststart)
        try container.encodeIfPresent(video, forKey: .video)
        try container.encodeIfPresent(audio, forKey: .audio)
    }
}
