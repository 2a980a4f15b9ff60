/// A picture Darkroom made (poster, thumbnail, image thumbnail): the stored file's fields plus
/// its size in pixels and, for frames of a video, the time it shows.
public struct StillImage: Sendable, Equatable, Codable {
    public var file: StoredFile
    /// Seconds from the start of the video; nil for an image's thumbnail.
    public var at: Double?
    /// Upright (rotation applied) size in pixels.
    public var width: Int
    public var height: Int

    enum CodingKeys: String, CodingKey {
        case at, width, height
    }

    public init(file: StoredFile, at: Double?, width: Int, height: Int) {
        self.file = file
        self.at = at
        self.width = width
        self.height = height
    }

    // The index flattens the file's path, bytes and sha256 into this object.
    public init(from decoder: any Decoder) throws {
        file = try StoredFile(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = try container.decodeIfPresent(Double.self, forKey: .at)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
    }

    public func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(at, forKey: .at)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
    }
}

/// A sprite sheet of evenly spaced frames and the WebVTT file that maps times to its tiles
/// (`storyboard.jpg#xywh=x,y,w,h`), as video players use for previews while scrubbing.
public struct Storyboard: Sendable, Equatable, Codable {
    public var image: StoredFile
    public var vtt: StoredFile
    public var tileWidth: Int
    public var tileHeight: Int
    public var columns: Int
    public var rows: Int
    /// Tiles in the sheet; the last row may be partly empty.
    public var tiles: Int
    /// Seconds of video per tile.
    public var interval: Double

    enum CodingKeys: String, CodingKey {
        case image, vtt
        case tileWidth = "tile_width"
        case tileHeight = "tile_height"
        case columns, rows, tiles, interval
    }

    public init(image: StoredFile, vtt: StoredFile, tileWidth: Int, tileHeight: Int, columns: Int, rows: Int, tiles: Int, interval: Double) {
        self.image = image
        self.vtt = vtt
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.columns = columns
        self.rows = rows
        self.tiles = tiles
        self.interval = interval
    }
}
