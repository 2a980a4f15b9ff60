import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve` archiving into a bucket on SeaweedFS: callbacks archived and served (streamed
/// through Darkroom, or as redirects to presigned URLs), a store that will not take a write at
/// start, and a store that goes down in the middle of a task's upload.
@Suite(.serialized) struct ServeBucketTests {
    let folder: URL
    let media: TestHTTPServer
    let clip: Data

    init() async throws {
        folder = try makeTemporaryFolder("serve-bucket")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        self.clip = clip
        media = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
    }

    private var data: URL { folder.appendingPathComponent("data") }

    private func callback(_ id: String) -> Data {
        videoCallback(taskID: id, url: media.url("clip.mp4"))
    }

    @Test func aCallbackIsArchivedIntoTheBucketAndItsFilesAreServed() async throws {
        let bucket = try await TestBucket("serve")
        let server = try await ServerProcess(data: data, arguments: ["--allow-private"] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(try await server.request("POST", "/v1/callbacks/kling?project=summer", body: callback("bucket-1")).status == 200)
        let task = try await server.waitForTask("bucket-1", "archived")
        let index = try #require(task["index"] as? [String: Any])
        let generation = try #require(index["generation"] as? String)
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("archive/2025").path), "nothing archived in the folder")

        // Streamed through Darkroom, whole and by range, with the ETag of the index's hash.
        let source = try await server.request("GET", "/v1/tasks/bucket-1/files/videos/v/source.mp4")
        #expect(source.status == 200)
        #expect(source.body == clip)
        #expect(source.headers["content-type"] == "video/mp4")
        let part = try await server.request("GET", "/v1/tasks/bucket-1/files/videos/v/source.mp4", headers: ["Range": "bytes=100-199"])
        #expect(part.status == 206)
        #expect(part.body == clip[100...199])
        let indexFile = try await server.request("GET", "/v1/tasks/bucket-1/files/index.json")
        #expect((try JSONSerialization.jsonObject(with: indexFile.body) as? [String: Any])?["generation"] as? String == generation)
        #expect(try await server.request("GET", "/v1/tasks/bucket-1/files/videos/v/nothing.mp4").status == 404)
        #expect(await server.stop(SIGTERM) == 0, "\(server.logText)")

        // With a public endpoint, a redirect to a presigned URL that the store honours.
        let redirecting = try await ServerProcess(
            data: data, arguments: bucket.arguments + ["--s3-public-endpoint", bucket.s3.endpoint.absoluteString, "--s3-presign-seconds", "120"],
            environment: SeaweedS3.environment)
        let listed = try #require(try await redirecting.request("GET", "/v1/tasks").json?["tasks"] as? [[String: Any]])
        let redirect = try await runCommand("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                                                     redirecting.url("/v1/tasks/bucket-1/files/videos/v/source.mp4").absoluteString]).stdout
        #expect(redirect.hasPrefix("302 "), "\(redirect)")
        let location = String(redirect.dropFirst(4))
        #expect(location.hasPrefix("\(bucket.s3.endpoint.absoluteString)/\(bucket.name)/\(TestBucket.prefix)/2025/11/21/bucket-1/\(generation)/videos/v/source.mp4?"))
        #expect(location.contains("X-Amz-Expires=120"))
        let followed = try await runCommand("curl", ["-s", "-o", folder.appendingPathComponent("followed.mp4").path, "-w", "%{http_code}", location])
        #expect(followed.stdout == "200")
        #expect(try Data(contentsOf: folder.appendingPathComponent("followed.mp4")) == clip)
        // The tar of the whole task is Darkroom's to read, however browsers get single files.
        let tar = folder.appendingPathComponent("bucket-1.tar")
        let fetched = try await runCommand("curl", ["-sf", "-o", tar.path, redirecting.url("/v1/tasks/bucket-1/files.tar").absoluteString])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(try await TarCheck.mismatches(tar, index: index, top: "bucket-1", into: folder.appendingPathComponent("tar")) == [])
        await redirecting.stop()

        // The database lost: the bucket alone gives back what GET /v1/tasks lists.
        try FileManager.default.removeItem(at: data.appendingPathComponent("darkroom.sqlite"))
        let reindex = try await runDarkroom(["reindex", "--data", data.path] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(reindex.status == 0, "\(reindex.stderr)")
        let rebuilt = try await ServerProcess(data: data, arguments: bucket.arguments, environment: SeaweedS3.environment)
        let relisted = try #require(try await rebuilt.request("GET", "/v1/tasks").json?["tasks"] as? [[String: Any]])
        for field in ["id", "state", "verdict", "folder", "status", "created_at", "updated_at"] {
            #expect(relisted.map { "\($0[field] ?? "-")" } == listed.map { "\($0[field] ?? "-")" }, "\(field)")
        }
        #expect(relisted.first?["tags"] as? [String: String] == ["project": "summer"])
        #expect(listed.first?["tags"] as? [String: String] == ["project": "summer"])
        #expect(try await rebuilt.request("GET", "/v1/tasks/bucket-1/files/videos/v/source.mp4").body == clip)
        await rebuilt.stop()

        let verify = try await runDarkroom(["verify", "--data", data.path] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("verified 1 task(s)"), "\(verify.stdout)")
    }

    @Test func aBucketThatCannotBeWrittenStopsTheStartWithTheReason() async throws {
        let bucket = try await TestBucket("serve-start")
        var missing = bucket.arguments
        missing[1] = "s3://\(uniqueBucketName("absent"))/x"
        // Exit 1 when the store refuses, 64 (usage) when the settings themselves are wrong.
        for (arguments, environment, reason, status) in [
            (missing, SeaweedS3.environment, "(the bucket does not exist)", 1),
            (bucket.arguments, ["AWS_ACCESS_KEY_ID": SeaweedS3.accessKey, "AWS_SECRET_ACCESS_KEY": "wrong-secret"], "SignatureDoesNotMatch", 1),
            (bucket.arguments, ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""], "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", 64),
        ] as [([String], [String: String], String, Int32)] {
            let result = try await runDarkroom(["serve", "--data", data.path, "--port", "0"] + arguments, environment: environment, timeout: .seconds(60))
            #expect(result.status == status, "\(result.stderr)")
            #expect(result.stderr.contains("the archive s3://"), "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stderr.contains("wrong-secret"))
        }
    }

    /// SeaweedFS stopped between the task's files and its index: the job waits (uncounted) and
    /// `/readyz` says why; no index points at a missing object, `verify` finds the orphaned
    /// generation and `--repair` removes it; with the store back, the task is archived.
    @Test func aStoreDownInTheMiddleOfAnUploadLosesNothing() async throws {
        let s3 = try await SeaweedS3()
        let bucket = try await TestBucket("serve-down", s3: s3)
        let pause = folder.appendingPathComponent("paused")
        let arguments = ["--allow-private", "--retry-base-seconds", "1"] + bucket.arguments
        let server = try await ServerProcess(
            data: data, arguments: arguments,
            environment: SeaweedS3.environment.merging(["DARKROOM_TEST_PAUSE_AT": "bucket-files", "DARKROOM_TEST_PAUSE_FILE": pause.path]) { $1 })
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: callback("down-1")).status == 200)
        try await waitUntil("the files are uploaded", timeout: .seconds(120)) { FileManager.default.fileExists(atPath: pause.path) }
        s3.kill()
        try FileManager.default.removeItem(at: pause)

        var task: [String: Any] = [:]
        try await waitUntil("the job waits for the store", timeout: .seconds(60)) {
            task = try await server.request("GET", "/v1/tasks/down-1").json ?? [:]
            return task["state"] as? String == "queued" && (task["last_error"] as? String)?.contains("s3://") == true
        }
        #expect(task["attempts"] as? Int == 0, "a store that is down does not count against the task: \(task)")
        let ready = try await server.request("GET", "/readyz")
        #expect(ready.status == 503)
        let problems = ready.json?["problems"] as? String
        #expect(problems?.contains("archive \(bucket.uri)") == true, "\(ready.text)")
        #expect(await server.stop(SIGTERM) == 0, "\(server.logText)")

        try await s3.start()
        // A restarted SeaweedFS takes writes to a bucket only once its volumes are loaded again,
        // seconds after it answers; the service's start would wait for that too.
        let probe = folder.appendingPathComponent("probe.txt")
        try Data("probe".utf8).write(to: probe)
        try await waitUntil("the bucket takes a write again", timeout: .seconds(120)) {
            (try? await runS3Tool(s3, ["put", bucket.name, "probe.txt", probe.path])) != nil
        }
        let verify = try await runDarkroom(["verify", "--data", data.path] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("unlisted 2025/11/21/down-1/"), "the uploaded generation, which no index lists: \(verify.stdout)")
        #expect(!verify.stdout.contains("missing"), "\(verify.stdout)")
        let repair = try await runDarkroom(["verify", "--data", data.path, "--repair", "--repair-grace", "0"] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(repair.stdout.contains("removed 12 file(s)"), "\(repair.stdout)")

        let restarted = try await ServerProcess(data: data, arguments: arguments, environment: SeaweedS3.environment)
        let archived = try await restarted.waitForTask("down-1", "archived")
        #expect(archived["attempts"] as? Int == 1)
        await restarted.stop()
        let clean = try await runDarkroom(["verify", "--data", data.path] + bucket.arguments, environment: SeaweedS3.environment)
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.hasPrefix("verified 1 task(s), 12 file(s)"), "\(clean.stdout)")
    }
}
