import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve` runs each asset's media work in a child process: whatever the media does to
/// that child, the service stays up, the asset gets a problem, its source is kept, and the rest
/// of the task is archived.
@Suite(.serialized) struct MediaWorkerTests {
    let folder: URL
    let media: TestHTTPServer

    init() async throws {
        folder = try makeTemporaryFolder("media-worker")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        media = try TestHTTPServer { request in
            switch request.path {
            case "/clip.mp4": .file(clip, for: request, contentType: "video/mp4")
            case "/huge.png": .file(HostileMedia.hugePNG, for: request, contentType: "image/png")
            default: .notFound()
            }
        }
    }

    private func callback(_ id: String) -> Data {
        Data("""
            {"task_id": "\(id)", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(media.url("clip.mp4").absoluteString)", "duration": "2"}],
                             "images": [{"index": 0, "url": "\(media.url("huge.png").absoluteString)"}]}}
            """.utf8)
    }

    /// Posts the task and waits for it to end, asking `/healthz` all along.
    private func archive(_ id: String, on server: ServerProcess) async throws -> [String: Any] {
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: callback(id)).status == 200)
        var task: [String: Any] = [:]
        try await waitUntil("task \(id) is archived", timeout: .seconds(120)) {
            #expect(try await server.request("GET", "/healthz").status == 200, "the service answers throughout")
            task = try await server.request("GET", "/v1/tasks/\(id)").json ?? [:]
            return ["archived", "failed"].contains(task["state"] as? String)
        }
        #expect(task["state"] as? String == "archived", "\(task)")
        return try #require(task["index"] as? [String: Any])
    }

    private func problems(_ index: [String: Any]) -> [[String: Any]] {
        (index["problems"] as? [[String: Any]]) ?? []
    }

    /// Every file the index lists: each object with a path and a SHA-256, wherever it is.
    private func files(_ index: Any) -> [String] {
        if let object = index as? [String: Any] {
            let own = (object["sha256"] != nil ? object["path"] as? String : nil).map { [$0] } ?? []
            return own + object.values.flatMap { files($0) }
        }
        return (index as? [Any])?.flatMap { files($0) } ?? []
    }

    @Test func aHostileImageIsAProblemAndTheSameServerGoesOn() async throws {
        let server = try await ServerProcess(data: folder.appendingPathComponent("a"), arguments: ["--allow-private"])
        let pid = server.pid
        let index = try await archive("hostile-1", on: server)
        #expect(problems(index).map { $0["kind"] as? String } == ["too_large"], "\(problems(index))")
        #expect(problems(index).first?["asset"] as? String == "images/0")
        #expect(files(index).contains("videos/v/web.mp4") && files(index).contains("videos/v/poster.jpg"), "the video is archived whole")
        #expect(server.isRunning && server.pid == pid)
        #expect(try await server.request("GET", "/healthz").status == 200)
        await server.stop()
    }

    @Test func aChildThatDiesIsMediaCrashedWithItsSourceKept() async throws {
        let data = folder.appendingPathComponent("b")
        let server = try await ServerProcess(data: data, arguments: ["--allow-private"], environment: ["DARKROOM_TEST_MEDIA_FAULT": "abort:image"])
        let index = try await archive("crash-1", on: server)
        let problem = try #require(problems(index).first)
        #expect(problems(index).count == 1)
        #expect(problem["kind"] as? String == "media_crashed")
        #expect(problem["asset"] as? String == "images/0")
        #expect((problem["message"] as? String)?.hasPrefix("the media worker died of SIGABRT") == true, "\(problem)")
        #expect(files(index).contains("images/0/source.bin"), "the download is kept: \(files(index))")
        #expect(files(index).contains("videos/v/web.mp4"))
        #expect(server.isRunning)
        await server.stop()
        let verify = try await runDarkroom(["verify", "--data", data.path])
        #expect(verify.status == 0, "the kept source is listed with its hash: \(verify.stdout)")
    }

    @Test func aChildPastItsDeadlineIsStoppedAsMediaTimeout() async throws {
        let server = try await ServerProcess(
            data: folder.appendingPathComponent("c"), arguments: ["--allow-private", "--media-deadline-base", "1"],
            environment: ["DARKROOM_TEST_MEDIA_FAULT": "hang:video"])
        let index = try await archive("hang-1", on: server)
        // Only the video is judged: the image's child has the same one-second deadline, which a
        // loaded machine (the release test run) may pass before the child has even started.
        let video = problems(index).filter { $0["asset"] as? String == "videos/v" }.compactMap { $0["kind"] as? String }
        #expect(video == ["media_timeout"], "\(problems(index))")
        #expect(files(index).contains("videos/v/source.bin"), "\(files(index))")
        #expect(!files(index).contains("videos/v/web.mp4"))
        #expect(try children(of: server.pid).isEmpty, "the hung child was killed, not left behind")
        await server.stop()
    }

    /// The processes whose parent is `pid`, from each `/proc/<n>/stat` (field 4 is the parent).
    private func children(of pid: Int32) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { Int32($0) }.filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }
    }
}
