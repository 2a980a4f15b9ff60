import Foundation

/// A generator (or the gateways that resell it) whose callbacks Darkroom takes at
/// `POST /v1/callbacks/{name}` and whose query API it polls: how to read its callbacks and its
/// query answers, and the `{action}` it is asked with by default.
public protocol Provider: Sendable {
    /// The path segment of its callback route, and the first half of its tasks' keys: one or more
    /// of `a-z`, `0-9` and `-` (`Providers.isName`), so it is safe in paths, folders and SQL.
    var name: String { get }
    /// `{action}` for a task registered without one.
    var defaultAction: String { get }
    func decodeCallback(_ body: Data) throws(CallbackError) -> CallbackEvent
    func decodeQueryAnswer(_ body: Data) throws(CallbackError) -> QueryAnswer
}

/// The providers Darkroom knows, by the name in their callback route.
public enum Providers {
    public static let all: [String: any Provider] = [Kling().name: Kling()]

    public static func named(_ name: String) -> (any Provider)? { all[name] }

    /// Whether `text` has the shape of a provider's name (known or not): 1…32 of `a-z`, `0-9`, `-`.
    public static func isName(_ text: some StringProtocol) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}
