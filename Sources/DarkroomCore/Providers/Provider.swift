import Foundation

/// A generator (or the gateways that resell it) whose callbacks Darkroom takes at
/// `POST /v1/callbacks/{name}` and whose query API it polls: how to read its callbacks and its
/// query answers, and the `{action}` it is asked with by default.
public protocol Provider: Sendable {
    /// The path segment of its callback route.
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
}
