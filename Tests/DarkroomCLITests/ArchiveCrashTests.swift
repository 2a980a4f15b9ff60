import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom process` killed with SIGKILL at every point where it has just put a file in place
/// (`DARKROOM_TEST_KILL_AT=N`, see `Checkpoint`): the archive always holds the task whole or
/// not at all, and the next run completes it. Then the same while replacing an archived task.
///
/// With a bucket, a kill between the files and the index leaves objects no index lists: they
/// are allowed (`verify` reports them as unlisted, and the next commit of the task removes
/// them), a task whose index lists a missing or changed object never is.
@Suite struct ArchiveCrashTests {
    @Test(arguments: ArchiveKind.allCases)
    func aKillAtAnyCheckpointLeavesNoHalfTask(kind: ArchiveKind) async throws {
        let fixture = try await ArchiveFixture("process-kill", kind: kind)
        let body = legacyCallback(
            taskID: "crash-1",
            videos: [("v", fixture.server.url("video.mp4").absoluteString, "2")],
            images: [(0, fixture.server.url("image.webp").absoluteString)])

        for phase in ["first archive", "replacing it"] {
            var killedAt: [Int] = []
            var point = 1
            while true {
                let result = try await fixture.process(body, environment: ["DARKROOM_TEST_KILL_AT": String(point)])
                if result.signal == nil {
                    #expect(result.status == 0, "\(phase), run without a kill: \(result.stderr)")
                    break
                }
                #expect(result.signal == SIGKILL)
                killedAt.append(point)
                try await expectWholeOrAbsent(fixture, phase: phase, point: point)
                point += 1
                try #require(point < 100, "the run never finished")
            }
            // At least: callback, two downloads, the poster, five thumbnails, the storyboard's two
            // files, two renditions, the image thumbnail, index.json, the move and the catalog.
            // Replacing it with the same bytes processes nothing again: callback, two downloads,
            // index.json, the move and the catalog.
            // In a bucket, the files' upload and the index's are the last two points, in place of
            // the move and the catalog; the index written in staging is not one.
            let least = phase == "first archive" ? 16 : (kind == .folder ? 6 : 5)
            #expect(killedAt.count >= least, "\(phase): killed at \(killedAt)")
            // The final run completed the task and cleaned what the killed runs left.
            #expect(try await fixture.taskFolders() == ["2025/11/21/crash-1"])
            let verify = try await fixture.verify()
            #expect(verify.status == 0, "\(phase): \(verify.stdout)")
            if kind == .folder { #expect(try fixture.catalog().count == 1) }
            #expect(try fixture.strays() == [], "\(phase): the last commit removes what killed runs left")
            #expect(fixture.stagingLeftovers().isEmpty, "\(phase): \(fixture.stagingLeftovers())")
        }
    }

    /// After a kill the task folder is either absent or complete (every listed file there with
    /// its hash, nothing else). The catalog may lag behind a folder just moved into place; it
    /// never lists a task that is not there.
    private func expectWholeOrAbsent(_ fixture: ArchiveFixture, phase: String, point: Int) async throws {
        let verify = try await fixture.verify()
        let findings = verify.stdout.split(separator: "\n").dropLast()
        let folderFindings = findings.filter { !$0.hasPrefix("catalog ") && !(fixture.kind == .bucket && $0.hasPrefix("unlisted ")) }
        #expect(folderFindings.isEmpty, "\(phase), killed at \(point): \(verify.stdout)")
        for finding in findings where finding.hasPrefix("catalog ") {
            #expect(finding.contains("a task folder the catalog does not list"), "\(phase), killed at \(point): \(finding)")
        }
        let folders = try await fixture.taskFolders()
        #expect(folders.isEmpty || folders == ["2025/11/21/crash-1"], "\(phase), killed at \(point): \(folders)")
        if phase == "replacing it" {
            #expect(folders.count == 1, "a replaced task never disappears, killed at \(point)")
        }
    }
}
