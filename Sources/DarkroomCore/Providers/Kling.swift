import Foundation

/// Kling, and the gateways that resell it with its payloads: either of its callback shapes, and
/// its query API (`GET /v1/videos/{action}/{task_id}` answering `{"code", "message", "data"}`).
public struct Kling: Provider {
    /// Its callback route's name, and the provider of every task stored before there were others.
    public static let name = "kling"
    public var name: String { Kling.name }
    public let defaultAction = "text2video"
    private let decoder: CallbackDecoder

    public init(limits: CallbackLimits = CallbackLimits()) {
        decoder = CallbackDecoder(limits: limits)
    }

    public func decodeCallback(_ body: Data) throws(CallbackError) -> CallbackEvent {
        try decoder.decode(body)
    }

    public func decodeQueryAnswer(_ body: Data) throws(CallbackError) -> QueryAnswer {
        try decoder.decodeQueryAnswer(body)
    }
}
