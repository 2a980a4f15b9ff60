import DarkroomTestSupport
import Foundation
import Testing

/// A later succeeded callback for an archived task (gateways re-sign their URLs on every one,
/// and URLs expire) never loses a file the archive holds.
@Suite struct ReArchiveTests {
    @Test func aReArchiveKeepsWhatItCannotDownloadAndDoesNotRedoWhatIsUnchanged() async throws {
        let fixture = try await ArchiveFixture("re-archive")
        let url = { (path: String) in fixture.server.url(path).absoluteString }
        let first = legacyCallback(taskID: "again-1", videos: [("v", url("video.mp4"), "2")], images: [(0, url("image.png"))])
        #expect(try await fixture.process(first).status == 0)
        let folder = try #require(try await fixture.taskFolders().first)
        let original = try fixture.index(folder)
        let videoSource = try #require(((original["videos"] as? [[String: Any]])?.first?["source"] as? [String: Any])?["sha256"] as? String)

        // The video's new URL is gone; the image's serves the same bytes.
        let second = legacyCallback(taskID: "again-1", videos: [("v", url("expired.mp4"), "2")], images: [(0, url("image.png"))])
        let run = try await fixture.process(second)
        #expect(run.status == 0, "archived, with a warning: \(run.stderr)")
        let index = try fixture.index(folder)
        let video = try #require((index["videos"] as? [[String: Any]])?.first)
        #expect((video["source"] as? [String: Any])?["sha256"] as? String == videoSource, "the archived source is kept")
        #expect((video["renditions"] as? [Any])?.count == 2, "and its outputs")
        #expect((video["kept"] as? [String: Any])?["reason"] as? String == "download_failed")
        #expect((video["kept"] as? [String: Any])?["archived_at"] as? String == original["archived_at"] as? String)
        let problems = try #require(index["problems"] as? [[String: Any]])
        #expect(problems.map { "\($0["kind"]!) \($0["severity"]!) \($0["asset"]!)" } == ["download_failed warning videos/v"])
        #expect(index["verdict"] as? String == "warning")
        let image = try #require((index["images"] as? [[String: Any]])?.first)
        #expect((image["kept"] as? [String: Any])?["reason"] as? String == "unchanged", "same bytes: not processed again")
        #expect(try await fixture.verify().status == 0, "every kept file is there with its hash")
        #expect(try await jsonSchemaViolations(of: fixture.archive.appendingPathComponent(folder).appendingPathComponent("index.json")) == [])
        #expect(try fixture.catalog().count == 1)

        // Every download fails: the archived folder stays as it was, byte for byte.
        let before = try Data(contentsOf: fixture.archive.appendingPathComponent(folder).appendingPathComponent("index.json"))
        let third = legacyCallback(taskID: "again-1", videos: [("v", url("expired.mp4"), "2")], images: [(0, url("expired.png"))])
        let failed = try await fixture.process(third)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("every download of the re-sent results failed; the task archived at"), "\(failed.stderr)")
        let after = try Data(contentsOf: fixture.archive.appendingPathComponent(folder).appendingPathComponent("index.json"))
        #expect(before == after)
        #expect(try await fixture.verify().status == 0)
        #expect(fixture.stagingLeftovers().isEmpty, "\(fixture.stagingLeftovers())")
    }
}
