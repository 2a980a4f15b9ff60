import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom media` as a user runs it: the entry as JSON on stdout, problems on stderr, and an
/// exit code a script can act on.
@Suite struct MediaCommandTests {
    @Test func healthyVideoPrintsItsEntryAndExitsZero() async throws {
        let out = try makeTemporaryFolder("cli-media")
        let path = try await TestClips.shared.path(.h264AAC)
        let result = try await runDarkroom(["media", path, "--out", out.path, "--reported-duration", "2"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        for key in ["source", "probe", "duration_check", "decode", "poster", "thumbnails", "storyboard", "renditions", "problems"] {
            #expect(json[key] != nil, "\(key) missing")
        }
        #expect((json["duration_check"] as? [String: Any])?["ok"] as? Bool == true)
        let renditions = try #require(json["renditions"] as? [[String: Any]])
        #expect(renditions.compactMap { $0["profile"] as? String } == ["web", "preview"])
        for rendition in renditions {
            let file = out.appendingPathComponent(try #require(rendition["path"] as? String)).path
            #expect(FileManager.default.fileExists(atPath: file))
        }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.contains(".part-") }
        #expect(leftovers.isEmpty)
    }

    /// The config file's profiles and thumbnails, and nothing else, by ffprobe and the encoders'
    /// own records; the index entry records the values used.
    @Test func aConfigFilesProfilesMakeExactlyThoseOutputs() async throws {
        let out = try makeTemporaryFolder("cli-media-profiles")
        let config = try PublishingProfiles.write(into: out)
        let path = try await TestClips.shared.path(.portrait)
        let result = try await runDarkroom(["media", path, "--out", out.appendingPathComponent("o").path, "--config", config, "--reported-duration", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try await PublishingProfiles.mismatches(videoFolder: out.appendingPathComponent("o")) == [])
        let entry = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(PublishingProfiles.indexMismatches(entry) == [])

        // The checks can see a difference: the built-in profiles fail them.
        let builtIn = try await runDarkroom(["media", path, "--out", out.appendingPathComponent("d").path, "--reported-duration", "1"])
        #expect(builtIn.status == 0, "stderr: \(builtIn.stderr)")
        let differences = try await PublishingProfiles.mismatches(videoFolder: out.appendingPathComponent("d"))
        #expect(differences.first == "renditions made: [\"preview.mp4\", \"web.mp4\"]" && differences.contains("thumbnails: [\"01.jpg\", \"02.jpg\", \"03.jpg\", \"04.jpg\", \"05.jpg\"]"), "\(differences)")
        let builtInEntry = try #require(try JSONSerialization.jsonObject(with: builtIn.stdoutData) as? [String: Any])
        #expect(PublishingProfiles.indexMismatches(builtInEntry).count == 2, "the profiles' values and the tolerance differ")
    }

    /// A flag wins over the file: `--duration-tolerance` and `--duration-mismatch` over its keys.
    @Test func durationFlagsWinOverTheConfigFile() async throws {
        let out = try makeTemporaryFolder("cli-media-duration")
        let config = out.appendingPathComponent("c.json")
        try Data(#"{"duration-tolerance": 5, "duration-mismatch": "warning", "renditions": []}"#.utf8).write(to: config)
        let path = try await TestClips.shared.path(.h264AAC)
        let arguments = ["media", path, "--out", out.appendingPathComponent("o").path, "--config", config.path, "--reported-duration", "5"]
        let lenient = try await runDarkroom(arguments)
        #expect(lenient.status == 0, "a 2 s clip reported as 5 s is within the file's 5 s: \(lenient.stderr)")
        let strict = try await runDarkroom(arguments + ["--duration-tolerance", "0.5", "--duration-mismatch", "error"])
        #expect(strict.status == 3)
        let entry = try #require(try JSONSerialization.jsonObject(with: strict.stdoutData) as? [String: Any])
        let problem = try #require((entry["problems"] as? [[String: Any]])?.first)
        #expect(problem["kind"] as? String == "duration_mismatch" && problem["severity"] as? String == "error", "\(problem)")
        let check = try #require(entry["duration_check"] as? [String: Any])
        #expect(check["tolerance"] as? Double == 0.5 && check["mismatch"] as? String == "error", "\(check)")
    }

    @Test func aBadConfigFileIsRefusedWithTheKeyPath() async throws {
        let out = try makeTemporaryFolder("cli-media-bad-config")
        let config = out.appendingPathComponent("c.json")
        try Data(#"{"renditions": [{"name": "p720", "max-long-side": 1280, "max-short-side": 720, "crf": 99}]}"#.utf8).write(to: config)
        let result = try await runDarkroom(["media", try await TestClips.shared.path(.h264AAC), "--out", out.path, "--config", config.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("config file \(config.path): renditions[0].crf: must be a whole number 0…51 (got 99)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("poster.jpg").path), "nothing is made")
    }

    /// docs/darkroom.example.json passes every check of the config file (a text file then gets
    /// as far as the media pipeline, which refuses it: exit 3, not 64).
    @Test func theDocumentedExampleConfigIsAccepted() async throws {
        let out = try makeTemporaryFolder("cli-media-example")
        let example = RepositoryFiles.root.appendingPathComponent("docs/darkroom.example.json").path
        let result = try await runDarkroom(["media", try await TestClips.shared.path(.textNamedMP4), "--out", out.path, "--config", example])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("darkroom: unsupported_media: "), "\(result.stderr)")
    }

    /// The 33-byte PNG that promises 4294967295 × 4294967295 pixels used to trap (exit 132).
    @Test(arguments: [[], ["--worker-process"]])
    func anImageWhosePixelsOverflowIsTooLarge(_ mode: [String]) async throws {
        let out = try makeTemporaryFolder("cli-media-huge")
        let path = out.appendingPathComponent("huge.png")
        try HostileMedia.hugePNG.write(to: path)
        let result = try await runDarkroom(["media", path.path, "--out", out.appendingPathComponent("o").path] + mode)
        #expect(result.status == 3, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("darkroom: too_large: huge.png: 4294967295x4294967295 is over the limit"), "\(result.stderr)")
    }

    @Test func cutShortVideoExitsThreeAndSaysWhy() async throws {
        let out = try makeTemporaryFolder("cli-media-cut")
        let path = try await TestClips.shared.path(.cutShort)
        let result = try await runDarkroom(["media", path, "--out", out.path, "--reported-duration", "10"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("darkroom: truncated: cut-short.mp4: the file's header promises 10.0 s"), "\(result.stderr)")
        #expect(result.stderr.contains("darkroom: duration_mismatch: cut-short.mp4:"), "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect((json["problems"] as? [Any])?.count == 2)
    }

    @Test func textFileExitsThreeAsUnsupportedMedia() async throws {
        let out = try makeTemporaryFolder("cli-media-text")
        let result = try await runDarkroom(["media", try await TestClips.shared.path(.textNamedMP4), "--out", out.path])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("darkroom: unsupported_media: not-media.mp4: "), "\(result.stderr)")
    }

    @Test func imagePrintsItsProbeAndThumbnail() async throws {
        let out = try makeTemporaryFolder("cli-media-image")
        let result = try await runDarkroom(["media", try await TestClips.shared.path(.jpegNamedPNG), "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect((json["probe"] as? [String: Any])?["codec"] as? String == "mjpeg")
        #expect((json["thumbnail"] as? [String: Any])?["path"] as? String == "thumb.jpg")
    }

    @Test func missingFileExitsOne() async throws {
        let out = try makeTemporaryFolder("cli-media-missing")
        let result = try await runDarkroom(["media", "/nonexistent/clip.mp4", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("darkroom: "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// The outputs do not fit: exit 1 with the system's reason, and no temporary or partial file
    /// is left behind.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDiskFailsCleanly() async throws {
        let folder = try makeTemporaryFolder("cli-media-full")
        let mountPoint = folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.path])
        let result: CommandResult
        do {
            result = try await runDarkroom(["media", try await TestClips.shared.path(.h264AAC), "--out", mountPoint.path])
        } catch {
            _ = try? await runCommand("umount", ["-l", mountPoint.path])
            throw error
        }
        let left = try FileManager.default.subpathsOfDirectory(atPath: mountPoint.path)
        _ = try await runCommand("umount", ["-l", mountPoint.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(left.allSatisfy { !$0.contains(".part-") && !$0.hasSuffix(".mp4") }, "left behind: \(left)")
    }
}
