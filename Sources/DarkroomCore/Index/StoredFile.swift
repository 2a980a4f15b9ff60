/// A file of the archive as the index lists it: where it is (relative to the task folder), its
/// size and its SHA-256, so a reader can check it is complete and unchanged.
public struct StoredFile: Sendable, Equatable, Codable {
    /// Relative to the task folder (or, for `darkroom media`, to its `--out` folder), `/`-separated.
    public var path: String
    public var bytes: Int
    /// Lower-case hex.
    public var sha256: String
    /// The media type the server stated, for downloaded sources; nil for files Darkroom made.
    public var contentType: String?

    enum CodingKeys: String, CodingKey {
        case path, bytes, sha256
        case contentType = "content_type"
    }

    public init(path: String, bytes: Int, sha256: String, contentType: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.contentType = contentType
    }
}
