import DarkroomTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A task that received many callbacks is read a page of its history at a time, in the API
/// and in the gallery, so one read stays bounded whatever came in for it.
@Suite struct TaskHistoryRouteTests {
    @Test func theHistoryComesAPageAtATime() async throws {
        let processing = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await withRouter(try testSettings("history-pages")) { client in
            for _ in 0..<250 { #expect(try await client.postCallback(processing).status == .ok) }
            let id = "CjhGRWdYqgAAAAAAXyZc8Q"

            let first = try await client.execute(uri: "/v1/tasks/\(id)", method: .get)
            #expect((first.json?["history"] as? [Any])?.count == 100, "100 by default, not all 250")
            #expect(first.body.readableBytes < 30_000, "\(first.body.readableBytes) bytes")

            var ids: [Int] = []
            var cursor: String?
            repeat {
                let query = "history_limit=120" + (cursor.map { "&history_cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: "/v1/tasks/\(id)?\(query)", method: .get)
                let history = try #require(page.json?["history"] as? [[String: Any]])
                ids += history.compactMap { $0["id"] as? Int }
                cursor = page.json?["history_next_cursor"] as? String
            } while cursor != nil
            #expect(ids.count == 250)
            #expect(ids == ids.sorted() && Set(ids).count == 250, "oldest first, none twice")

            for bad in ["history_limit=0", "history_limit=1001", "history_limit=x", "history_cursor=-1", "history_cursor=abc"] {
                let answer = try await client.execute(uri: "/v1/tasks/\(id)?\(bad)", method: .get)
                #expect(answer.status == .badRequest, "\(bad)")
            }

            let gallery = try await client.execute(uri: "/tasks/\(id)", method: .get)
            let html = String(buffer: gallery.body)
            #expect(html.components(separatedBy: "<td>processing</td>").count - 1 == 100, "a page of 100 rows")
            #expect(html.contains("?history_cursor=\(ids[99])#history\">Later callbacks</a>"))
            let last = try await client.execute(uri: "/tasks/\(id)?history_cursor=\(ids[199])", method: .get)
            #expect(!String(buffer: last.body).contains("Later callbacks"))
        }
    }
}
