/// Why a download failed, naming the URL (without its query, which can hold credentials) and
/// the cause: `https://cdn.example.com/v.mp4?…: HTTP 404`.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Cause: Error, Sendable, Equatable {
        /// The URL is not one Darkroom will fetch (scheme, syntax).
        case badURL(String)
        /// The server answered with this status (>= 400).
        case httpStatus(Int)
        /// libcurl failed: connecting, resolving, a reset, a time-out, a short body. The code is
        /// libcurl's `CURLcode`.
        case transport(code: Int, message: String)
        /// The local file could not be written, synced or renamed (a full disk, permissions).
        case destination(String)
        /// The task awaiting the download was cancelled.
        case cancelled
    }

    /// The URL as safe to show.
    public let url: String
    public let cause: Cause

    public init(url: String, cause: Cause) {
        self.url = url
        self.cause = cause
    }

    /// Whether trying again later could succeed: server errors, 429, 408, and network faults.
    /// A 404, a refused URL or a cancellation will not change by waiting.
    public var isTransient: Bool {
        switch cause {
        case .httpStatus(let status): status >= 500 || status == 429 || status == 408
        case .transport: true
        case .badURL, .destination, .cancelled: false
        }
    }

    public var description: String {
        switch cause {
        case .badURL(let reason): "\(url): \(reason)"
        case .httpStatus(let status): "\(url): HTTP \(status)"
        case .transport(_, let message): "\(url): \(message)"
        case .destination(let reason): "\(url): \(reason)"
        case .cancelled: "\(url): cancelled"
        }
    }
}
