import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// Videos that are not what they should be get the right problem, with a message that says
/// what is wrong, and never a crash.
@Suite struct VideoProblems {
    @Test func cutShortClipIsTruncatedAndMismatched() async throws {
        let (entry, folder) = try await processVideo(.cutShort, reportedDuration: 10)
        #expect(Set(kinds(entry.problems)) == [.truncated, .durationMismatch], "\(entry.problems)")
        let truncated = try #require(entry.problems.first { $0.kind == .truncated })
        #expect(truncated.message.contains("header promises 10.0 s"), "\(truncated.message)")
        #expect(truncated.severity == .error)
        #expect(truncated.asset == "videos/cutShort")
        let check = try #require(entry.durationCheck)
        #expect(!check.ok && check.reported == 10 && check.measured < 7 && check.delta < -3)
        #expect(entry.problems.first { $0.kind == .durationMismatch }?.severity == .warning, "a warning unless configured")
        // What is there is still decoded and thumbnailed.
        #expect((entry.decode?.frames ?? 0) > 150)
        try await expectPicture(try #require(entry.poster), in: folder)
    }

    @Test func mismatchedDurationIsAWarningOrAnError() async throws {
        let (entry, _) = try await processVideo(.h264AAC, reportedDuration: 5)
        #expect(kinds(entry.problems) == [.durationMismatch])
        #expect(entry.problems[0].message.contains("reported 5.0 s but the video holds 2.0 s"), "\(entry.problems[0].message)")
        #expect(entry.durationCheck == DurationCheck(reported: 5, measured: 2, tolerance: 0.5, mismatch: .warning))

        var strict = MediaSettings()
        strict.durationMismatchIsError = true
        strict.durationTolerance = 0.01
        let (close, _) = try await processVideo(.h264AAC, settings: strict, reportedDuration: 2.1)
        #expect(close.problems.map(\.severity) == [.error])
        let (within, _) = try await processVideo(.h264AAC, reportedDuration: 2.4)
        #expect(within.problems.isEmpty && within.durationCheck?.ok == true)
    }

    @Test func corruptedMiddleShowsDecodeErrors() async throws {
        let (entry, folder) = try await processVideo(.corruptMiddle, reportedDuration: 4)
        #expect(kinds(entry.problems) == [.decodeErrors], "\(entry.problems)")
        let decode = try #require(entry.decode)
        #expect(decode.errors > 0)
        #expect(decode.firstError != nil)
        #expect(entry.problems[0].message.contains("of 120 frames decoded"), "\(entry.problems[0].message)")
        #expect(entry.renditions.count == 2, "the damaged video is still archived with its renditions")
        try await expectPicture(try #require(entry.poster), in: folder)
    }

    @Test func textNamedMP4IsUnsupportedMedia() async throws {
        let (entry, folder) = try await processVideo(.textNamedMP4, reportedDuration: 5)
        #expect(kinds(entry.problems) == [.unsupportedMedia])
        #expect(entry.problems[0].message.contains("not a media file"), "\(entry.problems[0].message)")
        #expect(entry.probe == nil && entry.poster == nil && entry.renditions.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing written")
    }

    @Test func imageGivenAsVideoIsUnsupportedMedia() async throws {
        let (entry, _) = try await processVideo(.png)
        #expect(kinds(entry.problems) == [.unsupportedMedia])
        #expect(entry.problems[0].message.contains("still image (png)"), "\(entry.problems[0].message)")
    }

    @Test func framesOverThePixelLimitAreNotDecoded() async throws {
        var settings = MediaSettings()
        settings.limits.maxPixels = 320 * 180 - 1
        let (entry, folder) = try await processVideo(.h264AAC, settings: settings)
        #expect(kinds(entry.problems) == [.tooLarge])
        #expect(entry.problems[0].message.contains("320x180"), "\(entry.problems[0].message)")
        #expect(entry.decode == nil, "refused before decoding")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func videosOverTheDurationLimitAreNotDecoded() async throws {
        var settings = MediaSettings()
        settings.limits.maxDuration = 1.5
        let (entry, _) = try await processVideo(.h264AAC, settings: settings)
        #expect(kinds(entry.problems) == [.tooLarge])
        #expect(entry.problems[0].message.contains("limit of 1.5 s"), "\(entry.problems[0].message)")
        #expect(entry.decode == nil)
    }

    @Test func missingFileIsAnErrorNotAProblem() async throws {
        let folder = try makeTemporaryFolder("media-missing")
        #expect(throws: MediaError.self) {
            try MediaProcessor().video(at: folder.appendingPathComponent("gone.mp4").path, into: folder, asset: "videos/gone")
        }
    }
}
