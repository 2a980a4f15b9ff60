import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom verify` on a bucket: objects changed or deleted behind Darkroom's back (by boto3)
/// are found, and objects no index lists (a commit that died before its index) are found and,
/// with `--repair`, removed once older than the grace period.
@Suite struct BucketVerifyTests {
    private let folder = "2025/11/21/bucket-verify-1"

    private func archivedTask() async throws -> (ArchiveFixture, generation: String) {
        let fixture = try await ArchiveFixture("bucket-verify", kind: .bucket)
        let body = legacyCallback(taskID: "bucket-verify-1", videos: [("v", fixture.server.url("video.mp4").absoluteString, "2")])
        let result = try await fixture.process(body)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await fixture.taskFolders() == [folder])
        let generation = try #require(try fixture.index(folder)["generation"] as? String)
        let verify = try await fixture.verify()
        #expect(verify.stdout.hasPrefix("verified 1 task(s), 12 file(s), "), "\(verify.stdout)")
        return (fixture, generation)
    }

    private func key(_ relative: String) -> String { "\(ArchiveFixture.prefix)/\(relative)" }

    @Test func anObjectChangedOrDeletedBehindDarkroomsBackIsFound() async throws {
        let (fixture, generation) = try await archivedTask()
        let s3 = try #require(fixture.s3)
        let poster = fixture.archive.appendingPathComponent("\(folder)/videos/v/poster.jpg")
        var bytes = try Data(contentsOf: poster)
        bytes[bytes.count / 2] ^= 0xFF
        let changed = fixture.folder.appendingPathComponent("changed.jpg")
        try bytes.write(to: changed)
        try await runS3Tool(s3, ["put", fixture.bucket!, key("\(folder)/\(generation)/videos/v/poster.jpg"), changed.path])
        try await runS3Tool(s3, ["delete", fixture.bucket!, key("\(folder)/\(generation)/videos/v/web.mp4")])

        let verify = try await fixture.verify()
        #expect(verify.status == 1)
        let lines = verify.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("changed \(folder)/\(generation)/videos/v/poster.jpg: sha256 ") }, "\(verify.stdout)")
        #expect(lines.contains { $0.hasPrefix("missing \(folder)/\(generation)/videos/v/web.mp4: ") }, "\(verify.stdout)")
        #expect(verify.stdout.hasSuffix("2 finding(s)\n"), "\(verify.stdout)")
    }

    @Test func objectsNoIndexListsAreFoundAndRepairRemovesThemWhenOldEnough() async throws {
        let (fixture, _) = try await archivedTask()
        let s3 = try #require(fixture.s3)
        let stray = fixture.folder.appendingPathComponent("stray.bin")
        try Data("left by a commit that died".utf8).write(to: stray)
        let orphans = ["\(folder)/20251121T000000Z-0badc0de/videos/v/source.mp4", "2025/11/22/never-indexed/20251122T000000Z-00000001/callback.json"]
        for orphan in orphans { try await runS3Tool(s3, ["put", fixture.bucket!, key(orphan), stray.path]) }

        let verify = try await fixture.verify()
        #expect(verify.status == 1)
        for orphan in orphans {
            #expect(verify.stdout.contains("unlisted \(orphan): no index.json lists it"), "\(verify.stdout)")
        }
        // Just written: a commit may be in progress, so the default grace keeps them.
        let young = try await fixture.verify(["--repair"])
        #expect(young.stdout.contains("removed 0 file(s) no index lists"), "\(young.stdout)")
        let repaired = try await fixture.verify(["--repair", "--repair-grace", "0"])
        #expect(repaired.stdout.contains("removed 2 file(s) no index lists"), "\(repaired.stdout)")
        let after = try await fixture.verify()
        #expect(after.status == 0, "\(after.stdout)")
        _ = try await fixture.taskFolders()
        #expect(try fixture.strays() == [])
    }

    /// An index changed in the bucket to name a generation that climbs out of its folder is a
    /// bad index: its keys are never fetched (libcurl would resolve the `..` into other keys).
    @Test func anIndexNamingAnUnsafeGenerationIsABadIndex() async throws {
        let (fixture, _) = try await archivedTask()
        let s3 = try #require(fixture.s3)
        var index = try fixture.index(folder)
        index["generation"] = "../../../../elsewhere"
        let tampered = fixture.folder.appendingPathComponent("tampered.json")
        try JSONSerialization.data(withJSONObject: index).write(to: tampered)
        try await runS3Tool(s3, ["put", fixture.bucket!, key("\(folder)/index.json"), tampered.path])

        let verify = try await fixture.verify()
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("bad-index \(folder)/index.json: \(folder)/index.json names no safe generation"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("elsewhere/"), "no key under the unsafe generation was asked for: \(verify.stdout)")
    }

    /// A bucket has no index.jsonl: `catalog` prints its lines from the index objects, and
    /// `reindex` puts the tasks into the task store (here, one that never saw them).
    @Test func catalogAndReindexReadTheIndexObjects() async throws {
        let (fixture, _) = try await archivedTask()
        let catalog = try await runDarkroom(["catalog", "--data", fixture.data.path] + fixture.archiveArguments, environment: fixture.archiveEnvironment)
        #expect(catalog.status == 0, "\(catalog.stderr)")
        let lines = catalog.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(entry["folder"] as? String == folder)
        #expect(entry["task_id"] as? String == "bucket-verify-1")

        let reindex = try await runDarkroom(["reindex", "--data", fixture.data.path] + fixture.archiveArguments, environment: fixture.archiveEnvironment)
        #expect(reindex.status == 0, "\(reindex.stderr)")
        #expect(reindex.stdout.hasSuffix(": 1 task(s) restored, 0 already known\n"), "\(reindex.stdout)")
        let again = try await runDarkroom(["reindex", "--data", fixture.data.path] + fixture.archiveArguments, environment: fixture.archiveEnvironment)
        #expect(again.stdout.hasSuffix(": 0 task(s) restored, 1 already known\n"), "\(again.stdout)")
    }
}
