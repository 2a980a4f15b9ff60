import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// The parent side of the media child, with children that misbehave before the pipeline runs.
@Suite struct MediaWorkerProcessTests {
    /// A child that closes its input and exits without an answer: a problem on the asset, and
    /// this process survives the write into a pipe nobody reads (EPIPE, not SIGPIPE).
    @Test func aChildThatReadsNothingAndExitsIsMediaCrashed() async throws {
        let folder = try makeTemporaryFolder("media-child-gone")
        let script = folder.appendingPathComponent("child.sh")
        try Data("#!/bin/sh\nexec 0<&-\nexit 3\n".utf8).write(to: script)
        chmod(script.path, 0o755)
        let work = MediaWorkerProcess(executable: script)
        for _ in 0..<20 {
            let entry = try await work.image(at: folder.appendingPathComponent("x.png").path, into: folder, pathPrefix: "", asset: "images/0")
            #expect(entry.problems.map(\.kind) == [.mediaCrashed])
            #expect(entry.problems.first?.message.hasPrefix("the media worker exited with status 3 without an answer") == true, "\(entry.problems)")
        }
    }
}
