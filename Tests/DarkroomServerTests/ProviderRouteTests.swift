import DarkroomCore
import DarkroomQueue
@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

/// A task is named by its provider and its id: each task route takes `?provider=` (Kling's when
/// absent), the list filters by it, and the gallery links to it. The store holds a gateway's
/// task and Kling's with the same id, as a store shared with a darkroom that knows that gateway
/// would.
@Suite struct ProviderRouteTests {
    private func settingsWithTwoTasks() async throws -> ServerSettings {
        let settings = try testSettings("providers")
        let store = try SQLiteTaskStore(path: settings.data.appendingPathComponent("darkroom.sqlite").path)
        for provider in ["kling", "gateway"] {
            let event = CallbackEvent(provider: provider, taskID: "t1", shape: .new, status: .processing, statusSpelling: "processing",
                                      message: "from \(provider)")
            _ = try await store.record(ReceivedCallback(event: event, body: Data("{}".utf8), receivedAt: Date()))
        }
        return settings
    }

    @Test func eachTaskRouteFindsTheTaskOfTheProviderAsked() async throws {
        try await withRouter(try await settingsWithTwoTasks()) { client in
            let klings = try await client.execute(uri: "/v1/tasks/t1", method: .get)
            #expect(klings.json?["message"] as? String == "from kling")
            #expect(klings.json?["provider"] as? String == "kling")
            let gateways = try await client.execute(uri: "/v1/tasks/t1?provider=gateway", method: .get)
            #expect(gateways.json?["message"] as? String == "from gateway")
            #expect(gateways.json?["provider"] as? String == "gateway")

            let unknown = try await client.execute(uri: "/v1/tasks/t1?provider=nobody", method: .get)
            #expect(unknown.status == .notFound && unknown.errorMessage == "no task nobody:t1 has been seen")
            let bad = try await client.execute(uri: "/v1/tasks/t1?provider=No%20Such", method: .get)
            #expect(bad.status == .badRequest && bad.errorMessage == "provider must be 1 to 32 of a-z, 0-9 and -")
            let twice = try await client.execute(uri: "/v1/tasks/t1?provider=kling&provider=gateway", method: .get)
            #expect(twice.status == .badRequest)

            let files = try await client.execute(uri: "/v1/tasks/t1/files/index.json?provider=gateway", method: .get)
            #expect(files.status == .conflict && files.errorMessage == "task gateway:t1 is waiting: it has no archived files")
            #expect(try await client.execute(uri: "/v1/tasks/t1/files.tar?provider=nobody", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/tasks/t1/retry?provider=gateway", method: .post).status == .conflict)
            #expect(try await client.execute(uri: "/v1/tasks/t1/retry?provider=nobody", method: .post).status == .notFound)
        }
    }

    @Test func theListFiltersByProviderAndTheGalleryLinksToEach() async throws {
        try await withRouter(try await settingsWithTwoTasks()) { client in
            let all = try await client.execute(uri: "/v1/tasks", method: .get)
            let listed = (all.json?["tasks"] as? [[String: Any]] ?? []).map { "\($0["provider"] ?? "-"):\($0["id"] ?? "-")" }
            #expect(Set(listed) == ["kling:t1", "gateway:t1"])
            let filtered = try await client.execute(uri: "/v1/tasks?provider=gateway", method: .get)
            #expect((filtered.json?["tasks"] as? [[String: Any]] ?? []).map { $0["message"] as? String } == ["from gateway"])

            let gallery = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(gallery.contains(#"href="/tasks/t1""#) && gallery.contains(#"href="/tasks/t1?provider=gateway""#))
            let page = try await client.execute(uri: "/tasks/t1?provider=gateway", method: .get)
            #expect(page.status == .ok && String(buffer: page.body).contains("<h1>gateway:t1</h1>"))
            #expect(try await client.execute(uri: "/tasks/t1?provider=nobody", method: .get).status == .notFound)
        }
    }

    /// The gallery's "older" link keeps the filters, each value encoded as a query value (a tag
    /// may hold `&`): the next page is the next of the same list.
    @Test func theGallerysNextPageKeepsTheProviderAndTheTag() async throws {
        let settings = try testSettings("provider-pages")
        let store = try SQLiteTaskStore(path: settings.data.appendingPathComponent("darkroom.sqlite").path)
        for (provider, id) in [("gateway", "g1"), ("gateway", "g2"), ("kling", "k1")] {
            let event = CallbackEvent(provider: provider, taskID: id, shape: .new, status: .processing, statusSpelling: "processing")
            _ = try await store.record(ReceivedCallback(event: event, body: Data("{}".utf8), tags: ["k": "x&y"], receivedAt: Date()))
        }
        try await withRouter(settings) { client in
            let first = String(buffer: try await client.execute(uri: "/?limit=1&provider=gateway&tag=k:x%26y", method: .get).body)
            let next = try #require(first.firstMatch(of: #/rel="next" href="([^"]+)"/#).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") })
            #expect(next.hasSuffix("&provider=gateway&tag=k:x%26y"), "\(next)")
            let second = String(buffer: try await client.execute(uri: next, method: .get).body)
            let ids = [first, second].map { page in page.contains("/tasks/g1?provider=gateway") ? "g1" : page.contains("/tasks/g2?provider=gateway") ? "g2" : "-" }
            #expect(Set(ids) == ["g1", "g2"], "each of the gateway's tagged tasks on one page")
            #expect(!second.contains("/tasks/k1"))
        }
    }

    @Test func aRegistrationNamesAProviderDarkroomKnows() async throws {
        try await withRouter(try testSettings("register-provider")) { client in
            let known = try await client.execute(uri: "/v1/tasks", method: .post, body: ByteBuffer(string: #"{"task_id": "r1", "provider": "kling"}"#))
            #expect(known.status == .created && known.headers[.location] == "/v1/tasks/r1")
            let unknown = try await client.execute(uri: "/v1/tasks", method: .post, body: ByteBuffer(string: #"{"task_id": "r2", "provider": "nobody"}"#))
            #expect(unknown.status == .badRequest && unknown.errorMessage == "provider must be one Darkroom knows: kling")
        }
    }
}
