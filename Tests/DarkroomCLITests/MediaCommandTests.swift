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
