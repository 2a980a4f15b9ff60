import DarkroomCore
import DarkroomQueue
import Foundation

/// How tasks whose callback did not come are polled at the provider's query API (docs/polling.md).
public struct PollSettings: Sendable {
    /// How the provider is told who asks.
    public enum Auth: Sendable {
        case none
        /// Gateways: `Authorization: Bearer <token>`.
        case bearer(String)
        /// Kling itself: a JWT (HS256, `iss` the access key) signed with the secret key.
        case kling(accessKey: String, secretKey: String)
    }

    /// HS256 wants a key at least as long as its hash (RFC 7518, 3.2).
    public static let minimumSecretBytes = 32

    /// The query URL with `{task_id}` (and `{action}`); nil: this process polls nothing.
    public var urlTemplate: String?
    /// `{action}` for a task whose registration named none.
    public var defaultAction = Kling().defaultAction
    public var auth = Auth.none
    /// A task `waiting` this long with no news is polled.
    public var after: Duration = .seconds(600)
    /// The wait after a poll that found the task unfinished, doubled after each, at most `maxInterval`.
    public var interval: Duration = .seconds(60)
    public static let maxInterval: Duration = .seconds(1800)
    /// Requests a second at most, all of this process's polls together.
    public var ratePerSecond = 5.0
    /// A task that has not ended this long after Darkroom first saw it is failed.
    public var giveUp: Duration = .seconds(172_800)
    /// How long one request may take in all.
    public var timeout: Duration = .seconds(10)
    /// Polls made at once.
    public var pollers = 2

    public init() {}

    /// Actions go into the URL's path: letters, digits, `-` and `_` only.
    public static func isAction(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// The URL to ask for `poll`: its registration's, or the template's, with `{task_id}` and
    /// `{action}` each one percent-encoded path segment (a task id may hold `/`, `?`, `..`).
    public func url(for poll: PollJob) -> String? {
        guard let template = poll.url ?? urlTemplate else { return nil }
        return template.replacingOccurrences(of: "{task_id}", with: Self.segment(poll.task.id))
            .replacingOccurrences(of: "{action}", with: Self.segment(poll.action ?? defaultAction))
    }

    /// Whether the service's keys may go with a query to `url`: only to the origin (scheme, host,
    /// port) of `--poll-url`. A registration's own `poll_url` elsewhere is asked without them, so
    /// that whoever may register a task cannot have the provider's keys sent to a host of theirs.
    public func credentialsGo(to url: String) -> Bool {
        guard let template = urlTemplate, let own = Self.origin(template), let asked = Self.origin(url) else { return false }
        return own == asked
    }

    private static func origin(_ url: String) -> String? {
        let filled = url.replacingOccurrences(of: "{task_id}", with: "t").replacingOccurrences(of: "{action}", with: "a")
        guard let components = URLComponents(string: filled), let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased()
        else { return nil }
        return "\(scheme)://\(host):\(components.port ?? (scheme == "https" ? 443 : 80))"
    }

    /// A key that goes into a header: visible ASCII only, so no value can end the header.
    public static func isHeaderToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-_~")
        let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        // `.` alone or `..` would move up the path once the server resolves it.
        return encoded.replacingOccurrences(of: ".", with: "%2E")
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
