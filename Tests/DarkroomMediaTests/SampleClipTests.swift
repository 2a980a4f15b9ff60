import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

@Suite struct SampleClipTests {
    /// What ffprobe, not Darkroom, says of the demo's clip.
    @Test func theSampleClipIsAFiveSecondH264MP4WithItsIndexFirst() async throws {
        let url = try makeTemporaryFolder("sample").appendingPathComponent("sample.mp4")
        try SampleClip.write(to: url, seconds: 5, width: 640, height: 360)
        let report = try await FFprobeReport.of(url.path)
        let video = try #require(report.video)
        #expect(video.codecName == "h264")
        #expect(video.width == 640 && video.height == 360)
        #expect(video.pixFmt == "yuv420p")
        #expect(report.videoPacketCount == 150)
        #expect(report.videoFrameRate == 30, "every frame lasts 1/30 s")
        #expect(abs((report.durationSeconds ?? 0) - 5) < 0.05)
        let boxes = try await FFprobeReport.topLevelBoxes(url.path)
        #expect(boxes.firstIndex(of: "moov")! < boxes.firstIndex(of: "mdat")!)
    }
}
