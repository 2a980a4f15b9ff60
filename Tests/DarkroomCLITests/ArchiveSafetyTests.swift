import DarkroomTestSupport
import Foundation
import Testing

/// Ids from callbacks never become paths unchecked: hostile task and video ids land in folders
/// named after their hash, inside the archive, and the index keeps them as they were sent.
@Suite struct ArchiveSafetyTests {
    static let hostileIDs = ["../../etc", "..", ".", "a/b", "/etc/passwd", String(repeating: "x", count: 300), "видео-1", ".hidden", "a\nb"]

    @Test(arguments: hostileIDs)
    func hostileTaskAndVideoIDsStayInsideTheArchive(id: String) async throws {
        let fixture = try await ArchiveFixture("process-hostile")
        let body = legacyCallback(taskID: id, videos: [(id, fixture.server.url("video.mp4").absoluteString, "2")])
        let result = try await fixture.process(body)
        #expect(result.status == 0, "stderr: \(result.stderr)")

        // Only the data folder was written next to the callback file.
        let besideData = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path).sorted()
        #expect(besideData == ["callback.json", "data"])
        let folders = try await fixture.taskFolders()
        #expect(folders.count == 1)
        let folder = try #require(folders.first)
        let name = String(try #require(folder.split(separator: "/").last))
        #expect(name.hasPrefix("@") && name.count == 33, "\(name)")
        #expect(folder.hasPrefix("2025/11/21/"))

        let index = try fixture.index(folder)
        #expect((index["task"] as? [String: Any])?["id"] as? String == id)
        let video = try #require((index["videos"] as? [[String: Any]])?.first)
        #expect(video["id"] as? String == id)
        let source = try #require((video["source"] as? [String: Any])?["path"] as? String)
        #expect(source == "videos/\(name)/source.mp4", "the video id gets the same hash name as the task id")
        #expect(try await fixture.verify().status == 0)
    }

    @Test func safeIDsAreUsedAsTheyAre() async throws {
        let fixture = try await ArchiveFixture("process-safe-id")
        let id = "Task_1.2-" + String(repeating: "z", count: 119)
        let result = try await fixture.process(legacyCallback(taskID: id, videos: [("v-1", fixture.server.url("video.mp4").absoluteString, "2")]))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try await fixture.taskFolders() == ["2025/11/21/\(id)"])
    }

    @Test func anEmptyIDIsRefusedAsBadInput() async throws {
        let fixture = try await ArchiveFixture("process-empty-id")
        let result = try await fixture.process(legacyCallback(taskID: "", videos: [("v", fixture.server.url("video.mp4").absoluteString, "2")]))
        #expect(result.status == 64)
        #expect(result.stderr.contains("task_id"), "\(result.stderr)")
        #expect(result.stderr.contains("is empty"), "\(result.stderr)")
        #expect(try await fixture.taskFolders().isEmpty)
    }
}
