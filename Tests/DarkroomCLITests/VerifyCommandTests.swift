import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom verify` finds what changed in an archive; `darkroom reindex` rebuilds the catalog.
@Suite struct VerifyCommandTests {
    private func archivedTask() async throws -> (ArchiveFixture, URL) {
        let fixture = try await ArchiveFixture("verify")
        let body = legacyCallback(taskID: "verify-1", videos: [("v", fixture.server.url("video.mp4").absoluteString, "2")])
        let result = try await fixture.process(body)
        #expect(result.status == 0, "\(result.stderr)")
        let verify = try await fixture.verify()
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("verified 1 task(s), 12 file(s), "), "\(verify.stdout)")
        return (fixture, fixture.archive.appendingPathComponent("2025/11/21/verify-1"))
    }

    @Test func aChangedFileIsFound() async throws {
        let (fixture, task) = try await archivedTask()
        let poster = task.appendingPathComponent("videos/v/poster.jpg")
        var bytes = try Data(contentsOf: poster)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: poster)
        let verify = try await fixture.verify()
        #expect(verify.status == 1)
        #expect(verify.stdout.hasPrefix("changed 2025/11/21/verify-1/videos/v/poster.jpg: "), "\(verify.stdout)")
        #expect(verify.stdout.hasSuffix("1 finding(s)\n"), "\(verify.stdout)")
    }

    @Test func aDeletedFileAndAnUnlistedOneAreFound() async throws {
        let (fixture, task) = try await archivedTask()
        try FileManager.default.removeItem(at: task.appendingPathComponent("videos/v/web.mp4"))
        try Data("stray".utf8).write(to: task.appendingPathComponent("videos/v/extra.txt"))
        let verify = try await fixture.verify()
        #expect(verify.status == 1)
        let lines = verify.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("missing 2025/11/21/verify-1/videos/v/web.mp4: ") }, "\(verify.stdout)")
        #expect(lines.contains { $0 == "unlisted 2025/11/21/verify-1/videos/v/extra.txt: not in the task's index.json" }, "\(verify.stdout)")

        let repair = try await fixture.verify(["--repair"])
        #expect(repair.stdout.contains("removed 1 file(s) no index lists"), "\(repair.stdout)")
        #expect(!FileManager.default.fileExists(atPath: task.appendingPathComponent("videos/v/extra.txt").path))
        #expect(FileManager.default.fileExists(atPath: task.appendingPathComponent("videos/v/poster.jpg").path))
    }

    @Test func reindexRebuildsTheCatalogFromTheFolders() async throws {
        let (fixture, _) = try await archivedTask()
        let catalog = fixture.archive.appendingPathComponent("index.jsonl")
        let original = try Data(contentsOf: catalog)
        try FileManager.default.removeItem(at: catalog)
        let broken = try await fixture.verify()
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("catalog 2025/11/21/verify-1: a task folder the catalog does not list; run darkroom reindex"), "\(broken.stdout)")

        let reindex = try await runDarkroom(["reindex", "--data", fixture.data.path])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        let store = fixture.data.appendingPathComponent("darkroom.sqlite").path
        #expect(reindex.stdout == "catalog \(catalog.path): 1 task(s)\ntask store sqlite:\(store): 1 task(s) restored, 0 already known\n")
        #expect(try Data(contentsOf: catalog) == original)
        #expect(try await fixture.verify().status == 0)
    }
}
