import Foundation

/// What a provider's query API answered for one task (`GET …/v1/videos/{action}/{task_id}`):
/// `{"code": 0, "message": …, "data": {…}}` where `data` has the callback's own shape, or a
/// non-zero `code`, the provider's refusal.
public enum QueryAnswer: Sendable, Equatable {
    case task(CallbackEvent)
    case refused(code: Int64, message: String)
}

extension CallbackDecoder {
    /// Decodes the answer's `data` as a callback (either of Kling's shapes, the same rules);
    /// every fault names its JSON path (`data.task_status`).
    public func decodeQueryAnswer(_ body: Data) throws(CallbackError) -> QueryAnswer {
        try queryAnswer(JSONNode(value: try parse(body), path: .root))
    }

    func queryAnswer(_ root: JSONNode) throws(CallbackError) -> QueryAnswer {
        guard let code = try root.field("code")?.integer() else {
            throw CallbackError(.incomplete, at: root.path.appending("code"), "missing: not a query API's answer")
        }
        guard code == 0 else {
            return .refused(code: code, message: try root.field("message")?.string() ?? "")
        }
        guard let data = try root.field("data") else {
            throw CallbackError(.incomplete, at: root.path.appending("data"), "missing: the answer holds no task")
        }
        return .task(try decode(data))
    }
}
