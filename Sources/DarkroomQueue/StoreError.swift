/// A failure of the task store, saying whether waiting could help: `unavailable` (the database
/// is locked past its time-out, the disk is full) answers 503 so the sender retries; `failed`
/// is anything else.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unavailable
        case failed
    }

    public let kind: Kind
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "task store: \(reason)" }
}
