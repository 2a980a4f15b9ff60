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
        let media = try await clipServer()
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", archive.path])
        var mounted = true
        defer { if mounted { _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", archive.path]) } }

        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--max-attempts", "2", "--retry-base-seconds", "0", "--min-free-bytes", "0"])
        let body = videoCallback(taskID: "full-disk", url: media.url("clip.mp4"))
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
        #expect(unknown.status == 1)
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
        let body = videoCallback(taskID: "slow-1", url: slow.url("slow.mp4"))
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

    /// SIGTERM while a downloaded task waits for the busy encoder: the waiting job is given back
    /// at once, not left holding its (here ten-minute) lease until it expires.
    @Test func aDownloadWaitingForTheEncoderAtShutdownIsGivenBack() async throws {
        let folder = try makeTemporaryFolder("serve-wait-term")
        let data = folder.appendingPathComponent("data")
        let media = try await slowAndQuickClips(in: folder)
        let server = try await ServerProcess(data: data, arguments: [
            "--allow-private", "--lease-seconds", "600", "--shutdown-grace", "0", "--download-workers", "2", "--media-workers", "1",
        ])
        try await postInTurn(["encoding": "slow.mp4", "waiting": "quick.mp4"], to: server, from: media)
        #expect(await server.stop(SIGTERM) == 0, "\(server.logText)")
        #expect(server.logText.contains("stopped while the downloaded task waited for the media stage"), "\(server.logText)")

        let reader = try await ServerProcess(data: data, arguments: ["--download-workers", "0", "--media-workers", "0"])
        let waiting = try await reader.request("GET", "/v1/tasks/waiting").json ?? [:]
        #expect(waiting["state"] as? String == "queued", "\(waiting)")
        #expect(waiting["attempts"] as? Int == 0, "\(waiting)")
        // The encode itself cannot be interrupted: it ends, then the move into the archive is skipped.
        let encoding = try await reader.request("GET", "/v1/tasks/encoding").json ?? [:]
        #expect(encoding["state"] as? String == "queued", "\(encoding)")
        await reader.stop()
    }

    /// A task downloaded while the encoder is busy with another for longer than a lease waits
    /// with its lease renewed: it is neither taken back nor downloaded twice.
    @Test func aDownloadWaitingForTheEncoderKeepsItsLease() async throws {
        let folder = try makeTemporaryFolder("serve-wait")
        let media = try await slowAndQuickClips(in: folder)
        let server = try await ServerProcess(data: folder.appendingPathComponent("data"), arguments: [
            "--allow-private", "--lease-seconds", "3", "--download-workers", "2", "--media-workers", "1",
        ])
        try await postInTurn(["encoding": "slow.mp4", "waiting": "quick.mp4"], to: server, from: media)
        for id in ["encoding", "waiting"] {
            var task: [String: Any] = [:]
            try await waitUntil("\(id) is archived", timeout: .seconds(180)) {
                task = try await server.request("GET", "/v1/tasks/\(id)").json ?? [:]
                return task["state"] as? String == "archived"
            }
            #expect(task["attempts"] as? Int == 1, "\(id): \(task)")
        }
        #expect(media.receivedRequests.filter { $0.path == "/quick.mp4" }.count == 1, "downloaded once")
        #expect(!server.logText.contains("lease lost"), "\(server.logText)")
        await server.stop()
    }

    /// Serves `/slow.mp4`, 6 s of 1080p in 4:4:4, which no profile can copy (its web rendition
    /// is a slow encode), and `/quick.mp4`, a short clip.
    private func slowAndQuickClips(in folder: URL) async throws -> TestHTTPServer {
        let slowClip = folder.appendingPathComponent("slow.mp4")
        try await runChecked("ffmpeg", ["-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-t", "6",
                                        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", slowClip.path])
        let slow = try Data(contentsOf: slowClip)
        let quick = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        return try TestHTTPServer { request in
            .file(request.path == "/slow.mp4" ? slow : quick, for: request, contentType: "video/mp4")
        }
    }

    /// Posts the slow task's callback, waits until it holds the encoder, then the quick one's,
    /// and waits until that one is downloaded and waiting for the encoder.
    private func postInTurn(_ tasks: KeyValuePairs<String, String>, to server: ServerProcess, from media: TestHTTPServer) async throws {
        for (id, path) in tasks {
            let body = videoCallback(taskID: id, url: media.url(path))
            #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
            try await waitUntil("\(id) is in the media stage", timeout: .seconds(30)) {
                try await server.request("GET", "/v1/tasks/\(id)").json?["state"] as? String == "processing"
            }
        }
    }
}
