/// A local media file as libavformat is asked to open it. URLs are never handed to FFmpeg's own
/// network code: a URL is downloaded by the fetcher first (its address policy, TLS settings
/// and size limit), then read as a file.
public struct MediaSource: Sendable, Equatable, CustomStringConvertible {
    public let path: String

    public static func file(_ path: String) -> MediaSource {
        MediaSource(path: path)
    }

    /// Through the `file:` protocol, so a name with a colon (`a:b.mp4`) is never taken for a
    /// protocol.
    var ffmpegLocation: String { "file:" + path }

    /// The only protocol libavformat may use: a file cannot make it open URLs or other files.
    var protocolWhitelist: String { "file" }

    public var description: String { path }
}
