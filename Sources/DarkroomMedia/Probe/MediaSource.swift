import Foundation
import DarkroomCore

/// Where media is read from: a local file, or an http(s) URL that libavformat reads itself.
public enum MediaSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case url(URL)

    /// A command-line argument as a source: http(s) URLs are URLs, anything else is a path.
    public init(argument: String) {
        if let url = URL(string: argument), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            self = .url(url)
        } else {
            self = .file(argument)
        }
    }

    /// What libavformat is asked to open. Paths go through the `file:` protocol so a name with a
    /// colon (`a:b.mp4`) is never taken for a protocol.
    var ffmpegLocation: String {
        switch self {
        case .file(let path): "file:" + path
        case .url(let url): url.absoluteString
        }
    }

    /// The only protocols libavformat may use for this source: a file can't make it open URLs,
    /// and a URL can't make it read local files.
    var protocolWhitelist: String {
        switch self {
        case .file: "file"
        case .url: "http,https,tcp,tls"
        }
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .url(let url): url.redacted
        }
    }
}
