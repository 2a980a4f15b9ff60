import DarkroomCore
import Foundation
import Testing

/// Free space is asked of the nearest folder that exists, so an archive not made yet still has
/// a reading; a path with nothing to climb to answers nil, and never loops.
@Suite struct DiskSpaceTests {
    @Test func aFolderNotMadeYetIsMeasuredByItsNearestExistingParent() throws {
        let existing = FileManager.default.temporaryDirectory
        let missing = existing.appendingPathComponent("darkroom-not-made-\(UUID().uuidString)/archive/2026")
        let free = try #require(DiskSpace.available(at: existing))
        let climbed = try #require(DiskSpace.available(at: missing))
        // The same file system: the two readings differ only by what others wrote in between.
        #expect(abs(free - climbed) < 1 << 30, "\(free) and \(climbed)")
    }

    @Test func aRelativePathThatDoesNotExistAnswersNil() throws {
        let relative = try #require(URL(string: "darkroom-missing-\(UUID().uuidString)/archive"))
        #expect(DiskSpace.available(at: relative) == nil)
    }
}
