import Foundation
import Synchronization

/// A provider's query API on 127.0.0.1 speaking Kling's answers
/// (`GET /v1/videos/{action}/{task_id}` → `{"code": 0, "message": "", "data": {…}}`), and the
/// result's video at `/clip.mp4`. Each task answers as `script` says for its n-th query; every
/// query is kept (path, `Authorization`, when) for the test to judge.
public final class FakeProvider: Sendable {
    /// What the provider says of a task at one query.
    public enum Answer: Sendable {
        case processing
        case succeed
        case failed(String)
        /// An HTTP status with no task, and its `Retry-After` when given.
        case status(Int, retryAfter: Int? = nil)
        /// `{"code": n, "message": …}`: the provider's refusal in a 200.
        case refused(code: Int, message: String)
    }

    public struct Query: Sendable {
        public var taskID: String
        public var action: String
        public var authorization: String?
        public var at: ContinuousClock.Instant
    }

    private final class State: Sendable {
        let queries = Mutex<[Query]>([])
        let base = Mutex("")
    }

    private let server: TestHTTPServer
    private let state = State()

    /// `script(taskID, n)`: the answer to the n-th query (1, 2, …) about a task.
    public init(clip: Data, script: @escaping @Sendable (_ taskID: String, _ n: Int) -> Answer) throws {
        let state = self.state
        server = try TestHTTPServer { request in
            if request.path.hasPrefix("/clip.mp4") { return .file(clip, for: request, contentType: "video/mp4") }
            let parts = request.path.split(separator: "?")[0].split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
            guard parts.count == 4, parts[0] == "v1", parts[1] == "videos" else { return .notFound() }
            let query = Query(taskID: parts[3], action: parts[2], authorization: request.header("Authorization"), at: request.receivedAt)
            let n = state.queries.withLock { all in
                all.append(query)
                return all.filter { $0.taskID == query.taskID }.count
            }
            return Self.response(script(query.taskID, n), taskID: query.taskID, clipURL: state.base.withLock { $0 } + "/clip.mp4")
        }
        state.base.withLock { $0 = server.baseURL.absoluteString }
    }

    /// `--poll-url` for this provider.
    public var pollURL: String { server.baseURL.absoluteString + "/v1/videos/{action}/{task_id}" }
    public var clipURL: URL { server.url("clip.mp4") }
    public var received: [Query] { state.queries.withLock { $0 } }

    public func queries(of taskID: String) -> [Query] { received.filter { $0.taskID == taskID } }

    private static func response(_ answer: Answer, taskID: String, clipURL: String) -> TestHTTPResponse {
        func json(_ object: [String: Any]) -> TestHTTPResponse {
            TestHTTPResponse(headers: [("Content-Type", "application/json")], body: try! JSONSerialization.data(withJSONObject: object))
        }
        func task(_ status: String, message: String = "", videos: [[String: Any]] = []) -> TestHTTPResponse {
            var data: [String: Any] = ["task_id": taskID, "task_status": status, "task_status_msg": message,
                                       "created_at": 1_763_702_400_000, "updated_at": 1_763_702_400_000 + (videos.isEmpty ? 1000 : 60_000)]
            if !videos.isEmpty { data["task_result"] = ["videos": videos] }
            return json(["code": 0, "message": "SUCCEED", "request_id": "req-\(taskID)", "data": data])
        }
        switch answer {
        case .processing: return task("processing")
        case .succeed: return task("succeed", videos: [["id": "v", "url": clipURL, "duration": "2"]])
        case .failed(let message): return task("failed", message: message)
        case .refused(let code, let message): return json(["code": code, "message": message, "request_id": "req"])
        case .status(let status, let retryAfter):
            return TestHTTPResponse(status: status, headers: retryAfter.map { [("Retry-After", String($0))] } ?? [], body: Data(#"{"code":1,"message":"no"}"#.utf8))
        }
    }
}
