import DarkroomTestSupport
import Foundation
import Testing

/// A commit into the folder archive waits on the disk (fsync of every file) and on other
/// processes (the archive's lock). Swift's pool has one thread per core, and it runs every
/// request's handler: two commits waiting on it at once stopped the server on two cores, until
/// the commit got a thread of its own.
@Suite struct WaitingCommitTests {
    @Test func requestsAreAnsweredWhileCommitsWait() async throws {
        let folder = try makeTemporaryFolder("waiting-commit")
        let data = folder.appendingPathComponent("data")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264NoAudio)))
        let media = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
        let pause = folder.appendingPathComponent("paused")
        // The first commit stops (sleeping on its thread) after moving its task's folder, holding
        // the archive's lock until the test removes `pause`; the second waits for that lock.
        let server = try await ServerProcess(
            data: data, arguments: ["--allow-private", "--media-workers", "2"],
            environment: ["DARKROOM_TEST_PAUSE_AT": "folder-moved", "DARKROOM_TEST_PAUSE_FILE": pause.path])
        for task in ["first", "second"] {
            #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: task, url: media.url("clip.mp4"))).status == 200)
        }
        let staging = data.appendingPathComponent("archive/.staging")
        try await waitUntil("one commit waits under the lock and the other for it", timeout: .seconds(120)) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []
            return FileManager.default.fileExists(atPath: pause.path)
                && names.contains { FileManager.default.fileExists(atPath: staging.appendingPathComponent("\($0)/index.json").path) }
        }

        // New connections, each a request of its own: every one must be served.
        let request = Data("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        for connection in 1...8 {
            let closed = try await RawHTTPClient.timeToClose(port: server.port, after: request, limit: .seconds(20))
            #expect(closed != nil, "connection \(connection) was not answered while the commits waited")
        }

        // The second commit stops at the same point once it has the lock.
        try FileManager.default.removeItem(at: pause)
        try await waitUntil("the second commit has the lock", timeout: .seconds(60)) { FileManager.default.fileExists(atPath: pause.path) }
        try FileManager.default.removeItem(at: pause)
        for task in ["first", "second"] { _ = try await server.waitForTask(task, "archived") }
        #expect(await server.stop() == 0)
    }
}
