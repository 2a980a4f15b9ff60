/// Why a callback body was refused, and where in the body the fault is.
///
/// `description` reads `task_result.videos[0].url: not an http(s) URL ("ftp://…")`, fit to be
/// sent back to the caller and logged as it is.
public struct CallbackError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not JSON, or JSON of the wrong shape (HTTP 400).
        case malformed
        /// Valid JSON of the right shape without the task id or the status (HTTP 422).
        case incomplete
    }

    public let kind: Kind
    public let path: JSONPath
    public let problem: String

    public init(_ kind: Kind, at path: JSONPath, _ problem: String) {
        self.kind = kind
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
