/// Why a download failed, naming the URL (without its query, which can hold credentials) and
/// the cause: `https://cdn.example.com/v.mp4?…: HTTP 404`.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Cause: Error, Sendable, Equatable {
        /// The URL is not one Darkroom will fetch (scheme, syntax).
        case badURL(String)
        /// The address the name led to is not allowed by the address policy, e.g.
        /// "127.0.0.1 is a loopback address".
        case refusedAddress(String)
        /// The file is larger than the limit, in bytes.
        case tooLarge(limit: Int64)
        /// The task's downloads together are larger than its limit (`--max-task-bytes`).
        case taskTooLarge(limit: Int64)
        /// The announced body would leave less than the reserve free on the file system: the
        /// task waits for space and tries again later.
        case noSpace(needed: Int64, free: Int64, reserve: Int64)
        /// The server answered with this status (>= 400).
        case httpStatus(Int)
        /// libcurl failed: connecting, resolving, a reset, a time-out, a short body. The code is
        /// libcurl's `CURLcode`.
        case transport(code: Int, message: String)
        /// The server's answer to a resumed request did not continue the file (another range,
        /// another ETag or Last-Modified); the next attempt starts over.
        case inconsistentResponse(String)
        /// The local file could not be written, synced or renamed (a full disk, permissions).
        case destination(String)
        /// The task awaiting the download was cancelled.
        case cancelled
        /// The fetch, retries included, ran past its deadline (seconds).
        case deadline(Int)

        /// The cause's name in snake case, for JSON (`http_status`, `refused_address`).
        public var kind: String {
            switch self {
            case .badURL: "bad_url"
            case .refusedAddress: "refused_address"
            case .tooLarge: "too_large"
            case .taskTooLarge: "task_too_large"
            case .noSpace: "no_space"
            case .httpStatus: "http_status"
            case .transport: "transport"
            case .inconsistentResponse: "inconsistent_response"
            case .destination: "destination"
            case .cancelled: "cancelled"
            case .deadline: "deadline"
            }
        }
    }

    /// The URL as safe to show.
    public let url: String
    public let cause: Cause
    /// Attempts made, the failing one included.
    public let attempts: Int
    /// Seconds the server asked to wait (`Retry-After`) before the last failure, if it did.
    public let retryAfter: Int?

    public init(url: String, cause: Cause, attempts: Int = 1, retryAfter: Int? = nil) {
        self.url = url
        self.cause = cause
        self.attempts = attempts
        self.retryAfter = retryAfter
    }

    /// libcurl codes that no retry can change: unsupported protocol (a redirect to `file:`),
    /// a malformed URL, too many redirects, certificate failures.
    private static let permanentTransportCodes: Set<Int> = [1, 3, 47, 58, 60, 77]

    /// Whether trying again later could succeed: server errors, 429, 408, network faults and
    /// time-outs. A 404, a refused address, a file over the limit or a cancellation will not
    /// change by waiting. A full disk might, but not by retrying at once: the job decides.
    public var isTransient: Bool {
        switch cause {
        case .httpStatus(let status): status >= 500 || status == 429 || status == 408
        case .transport(let code, _): !Self.permanentTransportCodes.contains(code)
        case .inconsistentResponse: true
        case .badURL, .refusedAddress, .tooLarge, .taskTooLarge, .noSpace, .destination, .cancelled, .deadline: false
        }
    }

    public var description: String {
        let detail = switch cause {
        case .badURL(let reason): reason
        case .refusedAddress(let reason): "refused: \(reason)"
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .taskTooLarge(let limit): "the task's results together are larger than its limit of \(limit) bytes (--max-task-bytes)"
        case .noSpace(let needed, let free, let reserve):
            "needs \(needed) bytes but only \(free) are free, and \(reserve) must stay free (--min-free-bytes); the task waits for space"
        case .httpStatus(let status): "HTTP \(status)"
        case .transport(_, let message): message
        case .inconsistentResponse(let reason): reason
        case .destination(let reason): reason
        case .deadline(let seconds): "not finished within the download deadline of \(seconds) s"
        case .cancelled: "cancelled"
        }
        let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
        return "\(url): \(detail)\(tries)"
    }
}
