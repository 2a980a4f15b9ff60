import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve` as a process: callbacks over real HTTP archived by its workers, SIGTERM,
/// and SIGKILL while taking callbacks and in the middle of a job; the archiving ones with the
/// archive in a folder and in a bucket, one test body each.
@Suite(.serialized) struct ServeProcessTests {
    let folder: URL
    let media: TestHTTPServer

    init() async throws {
        folder = try makeTemporaryFolder("serve")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        media = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
    }

    private var data: URL { folder.appendingPathComponent("data") }

    private func callback(_ id: String, status: String = "succeed") -> Data {
        Data("""
            {"task_id": "\(id)", "task_status": "\(status)", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(media.url("clip.mp4").absoluteString)", "duration": "2"}]}}
            """.utf8)
    }

    /// The flags and environment of an archive of `kind`, and `verify`'s arguments for it.
    private func archive(_ kind: ArchiveKind) async throws -> (arguments: [String], environment: [String: String]) {
        guard kind == .bucket else { return ([], [:]) }
        return (try await TestBucket("serve-process").arguments, SeaweedS3.environment)
    }

    @Test(arguments: ArchiveKind.allCases)
    func aCallbackIsArchivedByTheWorkersAndSIGTERMExitsZero(kind: ArchiveKind) async throws {
        let (archive, environment) = try await archive(kind)
        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--token", "t0ken"] + archive, environment: environment)
        let answer = try await server.request("POST", "/v1/callbacks/kling?token=t0ken&project=summer", body: callback("served-1"))
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json?["state"] as? String == "queued")
        let task = try await server.waitForTask("served-1", "archived")
        #expect(task["verdict"] as? String == "ok")
        #expect(task["folder"] as? String == "2025/11/21/served-1")
        let index = try #require(task["index"] as? [String: Any])
        #expect((index["task"] as? [String: Any])?["tags"] as? [String: String] == ["project": "summer"])
        let metrics = try await server.request("GET", "/metrics").text
        for expected in [#"darkroom_jobs_total{result="archived"} 1"#, #"darkroom_stage_duration_seconds_count{stage="media"} 1"#,
                         #"darkroom_tasks{state="archived"} 1.0"#] {
            #expect(metrics.contains(expected + "\n"), "\(expected) in \(metrics)")
        }
        #expect(metrics.contains("darkroom_downloaded_bytes_total \(try FileManager.default.attributesOfItem(atPath: try await TestClips.shared.path(.h264AAC))[.size] as! Int)\n"))
        #expect(await server.stop(SIGTERM) == 0, "\(server.logText)")
        #expect(server.logText.contains("task_id=served-1"), "log lines about a task carry its id")
        let last = server.logText.split(separator: "\n").suffix(2)
        #expect(last.first?.hasSuffix("workers stopped: 1 archived") == true, "what it finished, when it stopped: \(last)")
        #expect(last.last?.hasSuffix("darkroom serve stopped") == true, "\(last)")

        let verify = try await runDarkroom(["verify", "--data", data.path] + archive, environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("verified 1 task(s)"), "\(verify.stdout)")
    }

    /// Every callback answered 200 before a SIGKILL is in the database after a restart.
    @Test func aKillWhileTakingCallbacksLosesNoAnsweredOne() async throws {
        let server = try await ServerProcess(data: data, arguments: ["--download-workers", "0", "--media-workers", "0"])
        let answered = try await withThrowingTaskGroup(of: String?.self) { group in
            for client in 0..<8 {
                group.addTask {
                    var last: String?
                    for n in 0..<1000 {
                        let id = "kill-\(client)-\(n)"
                        guard let answer = try? await server.request("POST", "/v1/callbacks/kling", body: callback(id, status: "processing")),
                              answer.status == 200 else { return last }
                        last = id
                    }
                    return last
                }
            }
            var answered: [String] = []
            var killed = false
            // Kill once some callbacks have been answered, while the clients are still posting.
            try await waitUntil("callbacks are being answered", timeout: .seconds(60)) {
                (try await server.request("GET", "/v1/tasks?limit=1000").json?["tasks"] as? [Any])?.count ?? 0 >= 100
            }
            await server.stop(SIGKILL)
            killed = true
            for try await last in group { if let last { answered.append(last) } }
            #expect(killed)
            return answered
        }
        #expect(answered.count == 8, "each client got answers before the kill")
        let restarted = try await ServerProcess(data: data, arguments: ["--download-workers", "0", "--media-workers", "0"])
        // Each client posted in order, so its last answered id and every one before it must be there.
        for last in answered {
            let parts = last.split(separator: "-")
            let client = parts[1]
            let count = Int(parts[2])! + 1
            for n in 0..<count {
                let answer = try await restarted.request("GET", "/v1/tasks/kill-\(client)-\(n)")
                #expect(answer.status == 200, "kill-\(client)-\(n) was answered 200 but is not stored")
            }
        }
        await restarted.stop()
    }

    /// Killed in the middle of a job (after its fifth file), the job is taken back once its lease
    /// runs out after the restart, and archived once: no half task, no second copy.
    @Test(arguments: ArchiveKind.allCases)
    func aKillInTheMiddleOfAJobIsCompletedOnceAfterARestart(kind: ArchiveKind) async throws {
        let (archive, environment) = try await archive(kind)
        let arguments = ["--allow-private", "--lease-seconds", "3"] + archive
        let server = try await ServerProcess(data: data, arguments: arguments, environment: environment.merging(["DARKROOM_TEST_KILL_AT": "5"]) { $1 })
        let answer = try await server.request("POST", "/v1/callbacks/kling", body: callback("crash-job"))
        #expect(answer.status == 200)
        #expect(await server.stop(0) == SIGKILL, "the checkpoint killed it: \(server.logText)")

        let halfway = try await runDarkroom(["verify", "--data", data.path] + archive, environment: environment)
        #expect(halfway.status == 0 && halfway.stdout.hasSuffix("is empty: no task to verify\n"), "nothing half in the archive: \(halfway.stdout)")

        let restarted = try await ServerProcess(data: data, arguments: arguments, environment: environment)
        let task = try await restarted.waitForTask("crash-job", "archived")
        #expect(task["attempts"] as? Int == 2)
        await restarted.stop()
        let verify = try await runDarkroom(["verify", "--data", data.path] + archive, environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("verified 1 task(s)"), "\(verify.stdout)")
        if kind == .folder {
            let catalog = try String(contentsOf: data.appendingPathComponent("archive/index.jsonl"), encoding: .utf8)
            #expect(catalog.split(separator: "\n").count == 1)
        }
    }
}
