import DarkroomCore
import Foundation

/// Where events are posted: an http(s) URL, and the event types it takes (all of them when it
/// names none). Written `URL` or `URL#task.failed` (types joined by `+`): the fragment, which
/// an HTTP client never sends, carries the filter, so one string works as a flag, in
/// `DARKROOM_NOTIFY` (space- or comma-separated) and in the config file.
public struct NotificationEndpoint: Sendable, Equatable {
    public static let eventTypes = ["task.archived", "task.failed"]

    /// The URL posted to, without the fragment.
    public var url: String
    public var types: [String]

    public init(parsing text: String) throws(NotificationError) {
        let parts = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.user == nil
        else {
            throw NotificationError("a --notify endpoint must be an http(s)://host[:port]/path URL without a user or password (got \(address.prefix(200)))")
        }
        self.url = address
        guard parts.count == 2 else {
            types = Self.eventTypes
            return
        }
        types = parts[1].split(separator: "+").map(String.init)
        if types.isEmpty || !types.allSatisfy(Self.eventTypes.contains) {
            throw NotificationError("--notify \(address): after # come the event types it takes, joined by +: \(Self.eventTypes.joined(separator: ", ")) (got \(parts[1].prefix(100)))")
        }
    }

    public func takes(_ type: String) -> Bool { types.contains(type) }

    /// An endpoint for the log and the API: a token in its query string is not written down.
    static func shown(_ endpoint: String) -> String {
        guard let components = URLComponents(string: endpoint) else { return LogText.escaped(endpoint) }
        let origin = "\(components.scheme ?? "http")://\(components.host ?? "")" + (components.port.map { ":\($0)" } ?? "")
        return origin + LogText.redactedTarget(path: components.percentEncodedPath, query: components.percentEncodedQuery)
    }
}

/// A notification setting that cannot be used.
public struct NotificationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
