@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// Task ids are the generator's: any text. Each route takes the id percent-encoded in one path
/// segment (as the gallery links it) and decodes it once.
@Suite struct TaskIDRouteTests {
    static let ids = ["a b", "a+b", "100%", "a/b", "a%2Fb", "видео-1", "tab\there", "line\u{1}x", "..", "?q=1#f"]

    @Test(arguments: ids)
    func everyRouteFindsTheTaskByItsEncodedID(id: String) async throws {
        let settings = try testSettings("ids")
        let body = try JSONSerialization.data(withJSONObject: [
            "task_id": id, "task_status": "processing", "created_at": 1763702400000, "updated_at": 1763702460000,
        ])
        try await withRouter(settings) { client in
            #expect(try await client.postCallback(body).status == .ok)
            let segment = HTML.segment(id)
            let shown = try await client.execute(uri: "/v1/tasks/\(segment)", method: .get)
            #expect(shown.status == .ok, "GET /v1/tasks/\(segment)")
            #expect((shown.json?["task"] as? [String: Any])?["id"] as? String ?? shown.json?["id"] as? String == id, "\(String(buffer: shown.body).prefix(300))")
            let retried = try await client.execute(uri: "/v1/tasks/\(segment)/retry", method: .post)
            #expect(retried.status == .conflict, "POST /v1/tasks/\(segment)/retry: the task is found, and it is not failed")
            let file = try await client.execute(uri: "/v1/tasks/\(segment)/files/index.json", method: .get)
            #expect(file.status == .conflict && file.errorMessage == "task \(id) is waiting: it has no archived files", "GET /v1/tasks/\(segment)/files/index.json")
            let page = try await client.execute(uri: TaskLinks.page(kling(id)), method: .get)
            #expect(page.status == .ok, "GET \(TaskLinks.page(kling(id)))")
            #expect(String(buffer: page.body).contains(HTML.escape(id)))
            let galleryRetry = try await client.execute(uri: TaskLinks.retry(kling(id)), method: .post)
            #expect(galleryRetry.headers[.location] == TaskLinks.page(kling(id)))
        }
    }

    @Test func aSegmentThatIsNotPercentEncodingIsABadRequest() async throws {
        try await withRouter(try testSettings("bad-id")) { client in
            let answer = try await client.execute(uri: "/v1/tasks/%zz", method: .get)
            #expect(answer.status == .badRequest)
            #expect(answer.errorMessage == "the task id in the path is not valid percent-encoding")
        }
    }
}
