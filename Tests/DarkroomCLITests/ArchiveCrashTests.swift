import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom process` killed with SIGKILL at every point where it has just put a file in place
/// (`DARKROOM_TEST_KILL_AT=N`, see `Checkpoint`): the archive always holds the task whole or
/// not at all, and the next run completes it. Then the same while replacing an archived task.
@Suite struct ArchiveCrashTests {
    @Test func aKillAtAnyCheckpointLeavesNoHalfTask() async throws {
        let fixture = try await ArchiveFixture("process-kill")
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
            #expect(killedAt.count >= (phase == "first archive" ? 16 : 6), "\(phase): killed at \(killedAt)")
            // The final run completed the task and cleaned what the killed runs left.
            #expect(try fixture.taskFolders() == ["2025/11/21/crash-1"])
            let verify = try await fixture.verify()
            #expect(verify.status == 0, "\(phase): \(verify.stdout)")
            #expect(try fixture.catalog().count == 1)
            #expect(fixture.stagingLeftovers().isEmpty, "\(phase): \(fixture.stagingLeftovers())")
        }
    }

    /// After a kill the task folder is either absent or complete (every listed file there with
    /// its hash, nothing else). The catalog may lag behind a folder just moved into place; it
    /// never lists a task that is not there.
    private func expectWholeOrAbsent(_ fixture: ArchiveFixture, phase: String, point: Int) async throws {
        let verify = try await fixture.verify()
        let findings = verify.stdout.split(separator: "\n").dropLast()
        let folderFindings = findings.filter { !$0.hasPrefix("catalog ") }
        #expect(folderFindings.isEmpty, "\(phase), killed at \(point): \(verify.stdout)")
        for finding in findings where finding.hasPrefix("catalog ") {
            #expect(finding.contains("a task folder the catalog does not list"), "\(phase), killed at \(point): \(finding)")
        }
        let folders = try fixture.taskFolders()
        #expect(folders.isEmpty || folders == ["2025/11/21/crash-1"], "\(phase), killed at \(point): \(folders)")
        if phase == "replacing it" {
            #expect(folders.count == 1, "a replaced task never disappears, killed at \(point)")
        }
    }
}
