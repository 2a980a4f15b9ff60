import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// Below the free-space reserve nothing is downloaded: the task waits (queued, its attempt not
/// counted, the reason on the task) and `/readyz` says why.
@Suite struct DiskReserveTests {
    @Test func underTheReserveATaskWaitsAndReadinessSaysWhy() async throws {
        let media = try await clipServer()
        let settings = try archivingSettings("reserve") { $0.minFreeBytes = Int64.max / 2 }
        try await withRouter(settings) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect((ready.json?["problems"] as? String)?.contains("under the reserve of \(Int64.max / 2) (--min-free-bytes)") == true, "\(ready.json ?? [:])")

            #expect(try await client.postCallback(videoCallback(taskID: "reserve-1", url: media.url("clip.mp4"))).status == .ok)
            var task: [String: Any] = [:]
            try await waitUntil("the task is given back for want of space", timeout: .seconds(30)) {
                task = try await client.execute(uri: "/v1/tasks/reserve-1", method: .get).json ?? [:]
                return (task["last_error"] as? String)?.contains("the task waits for space") == true
            }
            #expect(task["state"] as? String == "queued", "\(task)")
            #expect(task["attempts"] as? Int == 0, "waiting for space is not an attempt")
            #expect(media.receivedRequests.isEmpty, "nothing was downloaded")
        }
    }
}
