import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// Jobs under `darkroom serve`: a job that cannot store its results is retried, then failed
/// with its error, then retried by hand; a job running at SIGTERM gives its lease back.
@Suite(.serialized) struct ServeJobTests {
    /// The archive on a 64 KiB file system: every attempt fails with the system's reason.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aJobThatCannotStoreIsRetriedThenFailedThenRetriedByHand() async throws {
        let folder = try makeTemporaryFolder("serve-full")
        let data = folder.appendingPathComponent("data")
        let archive = data.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        let media = try TestHTTPServer { request in .file(clip, for: request, contentType: "video/mp4") }
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", archive.path])
        var mounted = true
        defer { if mounted { _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", archive.path]) } }

        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--max-attempts", "2", "--retry-base-seconds", "0"])
        let body = Data("""
            {"task_id": "full-disk", "task_status": "succeed", "created_at": 1763702400000,
             "task_result": {"videos": [{"id": "v", "url": "\(media.url("clip.mp4").absoluteString)", "duration": "2"}]}}
            """.utf8)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
        var task: [String: Any] = [:]
        try await waitUntil("the job fails for good", timeout: .seconds(60)) {
            task = try await server.request("GET", "/v1/tasks/full-disk").json ?? [:]
            return task["state"] as? String == "failed"
        }
        #expect(task["attempts"] as? Int == 2)
        #expect((task["last_error"] as? String)?.contains("No space left on device") == true, "\(task)")
        let page = try await server.request("GET", "/tasks/full-disk").text
        #expect(page.contains("Retry the archive job"), "a failed job gets a retry button in the gallery")
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"darkroom_jobs_total{result="retry"} 1"# + "\n"), "\(metrics)")
        #expect(metrics.contains(#"darkroom_jobs_total{result="failed"} 1"# + "\n"), "\(metrics)")

        // Room again: retried by hand, from the command line, while the server runs.
        _ = try await runCommand("umount", ["-l", archive.path])
        mounted = false
        let retry = try await runDarkroom(["retry", "full-disk", "--data", data.path])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout == "task full-disk is queued again\n")
        try await waitUntil("the retried job is archived", timeout: .seconds(60)) {
            try await server.request("GET", "/v1/tasks/full-disk").json?["state"] as? String == "archived"
        }
        let again = try await runDarkroom(["retry", "full-disk", "--data", data.path])
        #expect(again.status == 1)
        #expect(again.stderr == "darkroom: task full-disk is archived; only a failed task is retried\n")
        let unknown = try await runDarkroom(["retry", "nobody", "--data", data.path])
        #expect(unknown.status == 2)
        await server.stop()
    }

    /// SIGTERM with a download running and no grace: the server exits 0 and the job is queued
    /// again, its attempt not counted.
    @Test func aJobRunningAtShutdownGivesItsLeaseBack() async throws {
        let folder = try makeTemporaryFolder("serve-term")
        let data = folder.appendingPathComponent("data")
        // 2 MB at 16 KiB every 50 ms: about six seconds, far longer than the test waits.
        let slow = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: pseudoRandomBytes(2_000_000), delayPerChunk: 0.05)
        }
        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--shutdown-grace", "0"])
        let body = Data("""
            {"task_id": "slow-1", "task_status": "succeed", "created_at": 1763702400000,
             "task_result": {"videos": [{"id": "v", "url": "\(slow.url("slow.mp4").absoluteString)", "duration": "2"}]}}
            """.utf8)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
        try await waitUntil("the download has begun", timeout: .seconds(30)) {
            !slow.receivedRequests.isEmpty
        }
        #expect(await server.stop(SIGTERM) == 0, "\(server.logText)")
        #expect(server.logText.contains("job given back"), "\(server.logText)")

        let reader = try await ServerProcess(data: data, arguments: ["--download-workers", "0", "--media-workers", "0"])
        let task = try await reader.request("GET", "/v1/tasks/slow-1").json ?? [:]
        #expect(task["state"] as? String == "queued")
        #expect(task["attempts"] as? Int == 0)
        await reader.stop()
    }
}
