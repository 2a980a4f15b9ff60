import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom` runs Swift's tasks on the event loops that serve HTTP, so a task that blocks
/// its thread stops every connection of that loop. A commit into the folder archive waits on
/// the disk (fsync of every file) and on other processes (the archive's lock): it must wait on
/// a thread of its own, and the server go on answering meanwhile.
@Suite struct WaitingCommitTests {
    @Test func requestsAreAnsweredWhileACommitWaits() async throws {
        let folder = try makeTemporaryFolder("waiting-commit")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264NoAudio)))
        let media = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
        let pause = folder.appendingPathComponent("paused")
        // The commit stops (sleeping on its thread) after moving the task's folder, under the
        // archive's lock, until the test removes `pause`.
        let server = try await ServerProcess(
            data: folder.appendingPathComponent("data"), arguments: ["--allow-private"],
            environment: ["DARKROOM_TEST_PAUSE_AT": "folder-moved", "DARKROOM_TEST_PAUSE_FILE": pause.path])
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "waits", url: media.url("clip.mp4"))).status == 200)
        try await waitUntil("the commit waits", timeout: .seconds(120)) { FileManager.default.fileExists(atPath: pause.path) }

        // New connections are spread over the event loops: each of them must be served.
        let request = Data("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        for connection in 1...8 {
            let closed = try await RawHTTPClient.timeToClose(port: server.port, after: request, limit: .seconds(20))
            #expect(closed != nil, "connection \(connection) was not answered while the commit waited")
        }

        try FileManager.default.removeItem(at: pause)
        try await server.waitForTask("waits", "archived")
        #expect(await server.stop() == 0)
    }
}
