import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom process` end to end: real callbacks, real downloads from a server on 127.0.0.1,
/// the real media pipeline, and the archive checked file by file with tools other than Darkroom.
@Suite struct ProcessCommandTests {
    static let samples: [(String, String?, Int, Int)] = [
        ("legacy-video-succeed.json", "2025/11/21/CjhGRWdYqgAAAAAAXyZc8Q", 1, 0),
        ("legacy-video-succeeded-gateway.json", nil, 1, 0),
        ("legacy-images-succeed.json", nil, 0, 4),
        ("new-video-succeeded.json", "2025/11/21/913827032734642185", 1, 0),
    ]

    /// Each sample shape and status spelling, archived whole, into a folder and into a bucket:
    /// the task's files (a bucket's as boto3 reads them back), every hash (by `sha256sum`), the
    /// index against the schema (by Python's `jsonschema`), the catalog line (a folder's), and
    /// `darkroom verify`.
    @Test(arguments: samples.flatMap { sample in ArchiveKind.allCases.map { (sample.0, sample.1, sample.2, sample.3, $0) } })
    func sampleIsArchivedWhole(sample: String, expectedFolder: String?, videos: Int, images: Int, kind: ArchiveKind) async throws {
        let fixture = try await ArchiveFixture("process-sample", kind: kind)
        let body = try fixture.sample(sample)
        let result = try await fixture.process(body)
        // The samples report 5 s or more for a 2 s clip: archived, with a warning.
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("archived task "), "\(result.stdout)")

        let folders = try await fixture.taskFolders()
        #expect(folders.count == 1)
        let folder = try #require(folders.first)
        if let expectedFolder { #expect(folder == expectedFolder) }
        let taskFolder = fixture.archive.appendingPathComponent(folder)
        let index = try fixture.index(folder)
        #expect(try await jsonSchemaViolations(of: taskFolder.appendingPathComponent("index.json")) == [])
        #expect(index["schema"] as? String == "darkroom.index/1")
        #expect(index["folder"] as? String == folder)
        #expect((index["videos"] as? [Any])?.count == videos)
        #expect((index["images"] as? [Any])?.count == images)
        #expect(try Data(contentsOf: taskFolder.appendingPathComponent("callback.json")) == Data(body.utf8))

        // Every listed file by an independent hash, and nothing unlisted.
        let listed = try listedFiles(index)
        for (path, (bytes, sha256)) in listed {
            let file = taskFolder.appendingPathComponent(path).path
            #expect(try await sha256sum(file) == sha256, "\(path)")
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) == bytes, "\(path)")
        }
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: taskFolder.path).filter { path in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: taskFolder.appendingPathComponent(path).path, isDirectory: &isFolder)
            return !isFolder.boolValue
        }
        #expect(Set(onDisk) == Set(listed.keys).union(["index.json"]))

        for video in index["videos"] as? [[String: Any]] ?? [] {
            let source = try #require(video["source"] as? [String: Any])
            #expect((source["path"] as? String)?.hasSuffix("/source.mp4") == true)
            #expect(source["content_type"] as? String == "video/mp4")
            #expect((video["renditions"] as? [Any])?.count == 2)
            #expect((video["thumbnails"] as? [Any])?.count == 5)
            #expect((video["duration_check"] as? [String: Any])?["ok"] as? Bool == false)
        }
        let extensions = (index["images"] as? [[String: Any]] ?? []).compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        if images > 0 {
            #expect(extensions == ["images/0/source.png", "images/1/source.png", "images/2/source.jpg", "images/3/source.webp"])
            #expect(index["verdict"] as? String == "ok")
        } else {
            #expect(index["verdict"] as? String == "warning")
        }

        if kind == .folder {
            let catalog = try fixture.catalog()
            #expect(catalog.count == 1)
            #expect(catalog.first?["folder"] as? String == folder)
            #expect(catalog.first?["task_id"] as? String == (index["task"] as? [String: Any])?["id"] as? String)
            #expect(catalog.first?["verdict"] as? String == index["verdict"] as? String)
        } else {
            #expect((index["generation"] as? String)?.isEmpty == false)
            #expect(try fixture.strays() == [])
            #expect(result.stdout.contains("in s3://\(fixture.bucket!)/\(ArchiveFixture.prefix)/\(folder)"), "\(result.stdout)")
        }

        let verify = try await fixture.verify()
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("verified 1 task(s)"), "\(verify.stdout)")
        #expect(fixture.stagingLeftovers().isEmpty)
    }

    /// The second run replaces the task as a whole: one folder, one catalog line, the same files.
    @Test func runningTwiceGivesTheSameArchive() async throws {
        let fixture = try await ArchiveFixture("process-twice")
        let body = try fixture.sample("legacy-video-succeed.json")
        let first = try await fixture.process(body)
        #expect(first.status == 0, "\(first.stderr)")
        let folder = try #require(try await fixture.taskFolders().first)
        let before = try listedFiles(try fixture.index(folder))
        let second = try await fixture.process(body)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try await fixture.taskFolders() == [folder])
        #expect(try fixture.catalog().count == 1)
        let after = try listedFiles(try fixture.index(folder))
        #expect(Set(after.keys) == Set(before.keys))
        #expect(after["callback.json"]?.1 == before["callback.json"]?.1)
        #expect(after["videos/b3ad4c2e-0a41-4d3c-9a25-6f2b1e0c7d11/source.mp4"]?.1 == before["videos/b3ad4c2e-0a41-4d3c-9a25-6f2b1e0c7d11/source.mp4"]?.1)
        #expect(try await fixture.verify().status == 0)
        #expect(fixture.stagingLeftovers().isEmpty)
    }

    /// The config file's profiles and thumbnails, through the whole pipeline into the archive:
    /// exactly those outputs (by ffprobe), recorded in an index that the schema accepts.
    @Test func aConfigFilesProfilesMakeExactlyThoseOutputs() async throws {
        let fixture = try await ArchiveFixture("process-profiles")
        let config = try PublishingProfiles.write(into: fixture.folder)
        let body = """
            {"task_id": "profiles", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(fixture.server.url("portrait.mp4").absoluteString)", "duration": "1"}]}}
            """
        let result = try await fixture.process(body, extra: ["--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = try #require(try await fixture.taskFolders().first)
        let taskFolder = fixture.archive.appendingPathComponent(folder)
        #expect(try await PublishingProfiles.mismatches(videoFolder: taskFolder.appendingPathComponent("videos/v")) == [])
        let video = try #require((try fixture.index(folder)["videos"] as? [[String: Any]])?.first)
        #expect(PublishingProfiles.indexMismatches(video) == [])
        #expect(try await jsonSchemaViolations(of: taskFolder.appendingPathComponent("index.json")) == [])
        #expect(try await fixture.verify().status == 0)
    }

    @Test func jsonPrintsTheIndexFile() async throws {
        let fixture = try await ArchiveFixture("process-json")
        let result = try await fixture.process(try fixture.sample("new-video-succeeded.json"), extra: ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = try #require(try await fixture.taskFolders().first)
        let stored = try Data(contentsOf: fixture.archive.appendingPathComponent(folder).appendingPathComponent("index.json"))
        #expect(result.stdoutData == stored)
    }

    /// On a terminal, progress is drawn on one line of stderr, redrawn with carriage returns.
    /// `script` gives the command a pseudo-terminal.
    @Test func aTerminalGetsAProgressLine() async throws {
        let fixture = try await ArchiveFixture("process-tty")
        let file = fixture.folder.appendingPathComponent("callback.json")
        try Data(try fixture.sample("legacy-video-succeed.json").utf8).write(to: file)
        let command = [try darkroomBinary(), "process", file.path, "--data", fixture.data.path, "--allow-private"].joined(separator: " ")
        let result = try await runCommand("script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\rvideos/b3ad4c2e-0a41-4d3c-9a25-6f2b1e0c7d11  verifying, thumbnails, renditions…"), "\(result.stdout)")
        #expect(result.stdout.contains("\rcommitting the task to the archive"), "\(result.stdout)")
        #expect(result.stdout.contains("archived task CjhGRWdYqgAAAAAAXyZc8Q in "), "\(result.stdout)")
    }

    @Test func unfinishedOrFailedTasksAreNotArchived() async throws {
        let fixture = try await ArchiveFixture("process-unfinished")
        let processing = try await fixture.process(try fixture.sample("legacy-processing.json"))
        #expect(processing.status == 64)
        #expect(processing.stderr.contains("is still processing at the generator"), "\(processing.stderr)")
        let failed = try await fixture.process(try fixture.sample("legacy-failed.json"))
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the generator reports the task failed"), "\(failed.stderr)")
        #expect(try await fixture.taskFolders().isEmpty)
        #expect(fixture.stagingLeftovers().isEmpty)
    }

    @Test func badInputExitsTwoWithWhatIsWrong() async throws {
        let fixture = try await ArchiveFixture("process-bad")
        let notJSON = try await fixture.process("{\"task_id\": ")
        #expect(notJSON.status == 64)
        #expect(notJSON.stderr.hasPrefix("darkroom: "), "\(notJSON.stderr)")
        #expect(notJSON.stderr.contains("not valid JSON"), "\(notJSON.stderr)")
        let noFile = try await runDarkroom(["process", fixture.folder.appendingPathComponent("absent.json").path, "--data", fixture.data.path])
        #expect(noFile.status == 64)
        #expect(noFile.stderr.contains("absent.json"), "\(noFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.data.path))
    }
}

/// The files an index lists, by path: size and SHA-256.
func listedFiles(_ index: [String: Any]) throws -> [String: (Int, String)] {
    var files: [String: (Int, String)] = [:]
    func add(_ object: Any?) {
        guard let file = object as? [String: Any], let path = file["path"] as? String,
              let bytes = file["bytes"] as? Int, let sha256 = file["sha256"] as? String else { return }
        files[path] = (bytes, sha256)
    }
    add(index["callback"])
    for video in index["videos"] as? [[String: Any]] ?? [] {
        add(video["source"])
        add(video["poster"])
        (video["thumbnails"] as? [Any])?.forEach(add)
        (video["renditions"] as? [Any])?.forEach(add)
        let storyboard = video["storyboard"] as? [String: Any]
        add(storyboard?["image"])
        add(storyboard?["vtt"])
    }
    for image in index["images"] as? [[String: Any]] ?? [] {
        add(image["source"])
        add(image["thumbnail"])
    }
    return files
}
