import DarkroomTestSupport
import Foundation
import Testing

/// Assets that fail and a disk that fills: what is archived, the verdict, the exit code, and
/// that nothing is left half done.
@Suite struct ArchiveFailureTests {
    /// A 404 video and an unreadable "video" beside a good image: the task is archived with the
    /// image, the bytes of the unreadable file kept, and the verdict failed.
    @Test func badAssetsBesideGoodOnesGiveAFailedVerdict() async throws {
        let fixture = try await ArchiveFixture("process-mixed")
        let body = legacyCallback(
            taskID: "mixed-1",
            videos: [("gone", fixture.server.url("expired.mp4").absoluteString, "5"), ("text", fixture.server.url("text.mp4").absoluteString, "5")],
            images: [(0, fixture.server.url("image.png").absoluteString)])
        let result = try await fixture.process(body)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("verdict: failed (2 problems)"), "\(result.stdout)")

        let folder = try #require(try await fixture.taskFolders().first)
        #expect(try await jsonSchemaViolations(of: fixture.archive.appendingPathComponent(folder).appendingPathComponent("index.json")) == [])
        let index = try fixture.index(folder)
        #expect(index["verdict"] as? String == "failed")
        let problems = try #require(index["problems"] as? [[String: Any]])
        #expect(problems.map { "\($0["kind"]!) \($0["asset"]!)" } == ["download_failed videos/gone", "unsupported_media videos/text"])
        #expect((problems.first?["message"] as? String)?.contains("HTTP 404; result URLs expire") == true, "\(problems)")
        let videos = try #require(index["videos"] as? [[String: Any]])
        #expect(videos[0]["source"] == nil)
        #expect((videos[1]["source"] as? [String: Any])?["path"] as? String == "videos/text/source.bin")
        let image = try #require((index["images"] as? [[String: Any]])?.first)
        #expect((image["thumbnail"] as? [String: Any])?["path"] as? String == "images/0/thumb.jpg")
        #expect(try fixture.catalog().first?["verdict"] as? String == "failed")
        #expect(try await fixture.verify().status == 0)
    }

    /// The data folder on a small file system: the download, or later an output, does not fit.
    /// Exit 1 with the system's reason, no task folder, no staging debris, no catalog line.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"), arguments: ["64k", "520k"])
    func fullDiskLeavesNothingBehind(size: String) async throws {
        let fixture = try await ArchiveFixture("process-full")
        let clip = try FileManager.default.attributesOfItem(atPath: try await TestClips.shared.path(.h264AAC))[.size] as? Int ?? 0
        // 520k holds the clip (about 240 kB) and part of its outputs, not all of them.
        #expect(size == "64k" || clip < 400_000, "the clip must fit the larger disk: \(clip) bytes")
        try FileManager.default.createDirectory(at: fixture.data, withIntermediateDirectories: true)
        try await runChecked("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", fixture.data.path])
        let result: CommandResult
        let left: [String]
        do {
            result = try await fixture.process(legacyCallback(taskID: "full-1", videos: [("v", fixture.server.url("video.mp4").absoluteString, "2")]))
            left = try FileManager.default.subpathsOfDirectory(atPath: fixture.archive.path)
        } catch {
            _ = try? await runCommand("umount", ["-l", fixture.data.path])
            throw error
        }
        _ = try await runCommand("umount", ["-l", fixture.data.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("darkroom: task full-1: "), "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(Set(left).isSubset(of: [".lock", ".staging"]), "left behind: \(left)")
    }
}
