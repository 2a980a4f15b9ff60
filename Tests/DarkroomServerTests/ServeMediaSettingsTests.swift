import DarkroomTestSupport
import Foundation
import Testing

/// The media settings under `darkroom serve`: the config file's rendition profiles and
/// thumbnails, the duration check's tolerance and what a mismatch is, and a config that cannot
/// be used refused at start with the key at fault.
@Suite struct ServeMediaSettingsTests {
    @Test func aConfigFilesProfilesMakeExactlyThoseOutputs() async throws {
        let folder = try makeTemporaryFolder("serve-profiles")
        let data = folder.appendingPathComponent("data")
        let config = try PublishingProfiles.write(into: folder)
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.portrait)))
        let media = try TestHTTPServer { request in .file(clip, for: request, contentType: "video/mp4") }
        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--config", config])
        let body = videoCallback(taskID: "profiles", url: media.url("portrait.mp4"), duration: "1")
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
        let task = try await server.waitForTask("profiles", "archived")
        #expect(task["verdict"] as? String == "ok", "\(task)")
        let taskFolder = data.appendingPathComponent("archive").appendingPathComponent(try #require(task["folder"] as? String))
        #expect(try await PublishingProfiles.mismatches(videoFolder: taskFolder.appendingPathComponent("videos/v")) == [])
        let index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: taskFolder.appendingPathComponent("index.json"))) as? [String: Any])
        let video = try #require((index["videos"] as? [[String: Any]])?.first)
        #expect(PublishingProfiles.indexMismatches(video) == [])
        await server.stop()
    }

    /// A 2 s clip reported as 10 s: with `--duration-mismatch error` the task's verdict is
    /// failed; with the file's `warning` (and a tolerance from the environment) it is archived
    /// with a warning. Either way the index says which rule it was judged by.
    @Test(arguments: [
        (["--duration-mismatch", "error"], [String: String](), #"{}"#, "failed", "error", 0.5),
        ([], ["DARKROOM_DURATION_TOLERANCE": "0.25"], #"{"duration-mismatch": "warning", "duration-tolerance": 3}"#, "warning", "warning", 0.25),
    ])
    func aDurationMismatchIsWhatTheSettingsSay(flags: [String], environment: [String: String], file: String, verdict: String, severity: String, tolerance: Double) async throws {
        let folder = try makeTemporaryFolder("serve-mismatch")
        let data = folder.appendingPathComponent("data")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(file.utf8).write(to: config)
        let media = try await clipServer()
        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--config", config.path] + flags, environment: environment)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: "long", url: media.url("clip.mp4"), duration: "10")).status == 200)
        let task = try await server.waitForTask("long", "archived")
        #expect(task["verdict"] as? String == verdict, "\(task)")
        let taskFolder = data.appendingPathComponent("archive").appendingPathComponent(try #require(task["folder"] as? String))
        let index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: taskFolder.appendingPathComponent("index.json"))) as? [String: Any])
        let problems = index["problems"] as? [[String: Any]] ?? []
        #expect(problems.map { "\($0["kind"] ?? "")/\($0["severity"] ?? "")" } == ["duration_mismatch/\(severity)"])
        let check = try #require((index["videos"] as? [[String: Any]])?.first?["duration_check"] as? [String: Any])
        #expect(check["tolerance"] as? Double == tolerance && check["mismatch"] as? String == severity, "\(check)")
        await server.stop()
    }

    @Test(arguments: [
        (#"{"renditions": [{"name": "p720", "max-long-side": 1280, "max-short-side": 720}, {"name": "sq", "max-long-side": 480, "max-short-side": 480, "crf": 70}]}"#,
         "renditions[1].crf: must be a whole number 0…51 (got 70)"),
        (#"{"thumbnails": {"count": 3, "widht": 480}}"#, "thumbnails.widht: unknown key (known here: count, width, format, poster-position, quality)"),
        (#"{"duration-mismatch": "fatal"}"#, #"duration-mismatch: must be one of warning, error (got "fatal")"#),
    ])
    func aBadConfigStopsServeWithTheKeyPath(file: String, message: String) async throws {
        let folder = try makeTemporaryFolder("serve-bad-config")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(file.utf8).write(to: config)
        let result = try await runDarkroom(["serve", "--data", folder.appendingPathComponent("data").path, "--port", "0", "--config", config.path],
                                           timeout: .seconds(60))
        #expect(result.status == 64)
        #expect(result.stderr.contains("config file \(config.path): \(message)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data").path), "nothing was started")
    }

    @Test func aBadDurationFlagIsRefused() async throws {
        let folder = try makeTemporaryFolder("serve-bad-flag")
        let result = try await runDarkroom(["serve", "--data", folder.path, "--port", "0", "--duration-mismatch", "sometimes"], timeout: .seconds(60))
        #expect(result.status == 64)
        #expect(result.stderr.contains("duration-mismatch must be warning or error (got sometimes)"), "\(result.stderr)")
    }
}
