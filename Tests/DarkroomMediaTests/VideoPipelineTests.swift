import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// The pipeline's outputs for healthy videos, each checked with ffprobe (and ffmpeg's SSIM
/// where orientation matters).
@Suite struct VideoPipelineOutputs {
    @Test func h264WithAudioGetsEveryOutput() async throws {
        let (entry, folder) = try await processVideo(.h264AAC, settings: settingsWithSmallPreview(), reportedDuration: 2)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let oracle = try await FFprobeReport.of(try await TestClips.shared.path(.h264AAC))
        #expect(entry.decode == DecodeReport(frames: oracle.videoPacketCount, errors: 0))
        #expect(entry.durationCheck?.ok == true)

        let poster = try #require(entry.poster)
        try await expectPicture(poster, in: folder)
        #expect((poster.width, poster.height) == (320, 180), "never scaled up")
        #expect(abs(poster.at! - 1.0) <= 1.0 / 30)
        #expect(entry.thumbnails.count == 5)
        for (index, thumbnail) in entry.thumbnails.enumerated() {
            try await expectPicture(thumbnail, in: folder)
            #expect(thumbnail.file.path == String(format: "thumbs/%02d.jpg", index + 1))
            let target = (Double(index) + 0.5) * 2 / 5
            #expect(abs(thumbnail.at! - target) <= 1.0 / 30, "thumbnail \(index) at \(thumbnail.at!) s, wanted \(target) s")
        }

        #expect(entry.renditions.map(\.profile) == ["web", "preview"])
        let web = entry.renditions[0]
        #expect(web.method == .copy, "an H.264 High yuv420p + AAC source within 1080p is copied")
        try await expectRendition(web, in: folder, width: 320, height: 180, duration: 2, frameDuration: 1.0 / 30, audio: true)
        let preview = entry.renditions[1]
        #expect(preview.method == .encode)
        try await expectRendition(preview, in: folder, width: 256, height: 144, duration: 2, frameDuration: 1.0 / 30, audio: true)
        let previewProbe = try await FFprobeReport.of(folder.appendingPathComponent("preview.mp4").path)
        #expect(previewProbe.video?.profile == "High")
        #expect(previewProbe.video?.frameCount == oracle.videoPacketCount, "one output frame per source frame")
    }

    @Test func videoWithoutAudioGetsRenditionsWithoutAudio() async throws {
        let (entry, folder) = try await processVideo(.h264NoAudio, settings: settingsWithSmallPreview())
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        #expect(entry.durationCheck == nil, "nothing reported, nothing checked")
        for rendition in entry.renditions {
            try await expectRendition(rendition, in: folder, width: rendition.profile == "web" ? 320 : 256,
                                      height: rendition.profile == "web" ? 180 : 144, duration: 2, frameDuration: 1.0 / 30, audio: false)
            #expect(rendition.audio == nil)
        }
    }

    @Test func portraitVideoGetsAPortraitPreview() async throws {
        let (entry, folder) = try await processVideo(.portrait)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let web = try #require(entry.renditions.first { $0.profile == "web" })
        #expect(web.method == .copy, "1080x1920 fits the web profile's box turned portrait")
        let preview = try #require(entry.renditions.first { $0.profile == "preview" })
        #expect(preview.method == .encode)
        try await expectRendition(preview, in: folder, width: 480, height: 854, duration: 1, frameDuration: 1.0 / 30, audio: true)
        try await expectPicture(try #require(entry.poster), in: folder)
        #expect((entry.poster?.width, entry.poster?.height) == (640, 1138))
    }

    /// Stored 320x180 with a display matrix turning it 90° clockwise: every output is 180x320
    /// and looks like what ffmpeg's autorotate shows, not its mirror or upside down.
    @Test func rotatedVideoGetsUprightOutputs() async throws {
        let (entry, folder) = try await processVideo(.rotated90)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let poster = try #require(entry.poster)
        #expect((poster.width, poster.height) == (180, 320))
        try await expectPicture(poster, in: folder)

        let reference = folder.appendingPathComponent("reference.png").path
        let source = try await TestClips.shared.path(.rotated90)
        let frameNumber = Int((poster.at! * 30).rounded())
        try await runChecked("ffmpeg", ["-v", "error", "-i", source, "-vf", "select=eq(n\\,\(frameNumber)),scale=180:320",
                                        "-frames:v", "1", reference])
        let upright = try await FFprobeReport.ssim(folder.appendingPathComponent(poster.file.path).path, reference)
        #expect(upright > 0.9, "SSIM against ffmpeg's autorotated frame: \(upright)")

        let web = try #require(entry.renditions.first { $0.profile == "web" })
        #expect(web.method == .encode, "rotation is baked in, so it cannot be copied")
        try await expectRendition(web, in: folder, width: 180, height: 320, duration: 2, frameDuration: 1.0 / 30, audio: false)

        let storyboard = try #require(entry.storyboard)
        #expect((storyboard.tileWidth, storyboard.tileHeight) == (160, 284))
    }

    @Test func variableFrameRateKeepsItsTiming() async throws {
        let (entry, folder) = try await processVideo(.variableFrameRate, settings: settingsWithSmallPreview())
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let source = try await FFprobeReport.of(try await TestClips.shared.path(.variableFrameRate))
        let preview = try #require(entry.renditions.first { $0.profile == "preview" })
        #expect(preview.method == .encode)
        let sourceDuration = try #require(source.videoPacketDuration)
        try await expectRendition(preview, in: folder, width: 256, height: 144, duration: sourceDuration, frameDuration: 0.1, audio: false)
        let output = try await FFprobeReport.of(folder.appendingPathComponent(preview.file.path).path)
        #expect(output.video?.frameCount == source.videoPacketCount, "no frames duplicated or dropped to make the rate constant")
    }

    /// Each frame lasts until the next one starts, and the last as long as the container says,
    /// so an encoded rendition ends where its source does (the edit list's presentation, to the
    /// millisecond an MP4's movie time scale keeps). Matroska written by a remux gives every
    /// packet the average duration (93 ms for frames 33 and 100 ms apart): trusting it made the
    /// rendition 60 ms longer than its source.
    @Test(arguments: [TestClip.variableFrameRate, .variableFrameRateMKV, .h264NoAudio])
    func anEncodedRenditionEndsWhereItsSourceEnds(_ clip: TestClip) async throws {
        var settings = settingsWithSmallPreview()
        settings.renditions = settings.renditions.filter { $0.name == "preview" }
        let (entry, folder) = try await processVideo(clip, settings: settings)
        let preview = try #require(entry.renditions.first)
        #expect(preview.method == .encode)
        let source = try #require(try await FFprobeReport.of(try await TestClips.shared.path(clip)).durationSeconds)
        let rendition = try #require(try await FFprobeReport.of(folder.appendingPathComponent(preview.file.path).path).durationSeconds)
        #expect(abs(rendition - source) <= 0.001, "\(rendition) s against the source's \(source) s")
    }

    @Test(arguments: [TestClip.hevc10, .vp9WebM])
    func otherCodecsAreReencodedToH264(_ clip: TestClip) async throws {
        let (entry, folder) = try await processVideo(clip)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let web = try #require(entry.renditions.first { $0.profile == "web" })
        #expect(web.method == .encode)
        try await expectRendition(web, in: folder, width: 320, height: 180, duration: 2, frameDuration: 1.0 / 30,
                                  audio: clip == .vp9WebM)
        try await expectPicture(try #require(entry.poster), in: folder)
    }

    @Test func singleFrameVideoStillGetsEveryOutput() async throws {
        let (entry, folder) = try await processVideo(.singleFrame, settings: settingsWithSmallPreview())
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        #expect(entry.decode?.frames == 1)
        #expect(entry.thumbnails.count == 5)
        #expect(Set(entry.thumbnails.map(\.file.sha256)).count == 1, "all five show the only frame")
        #expect(entry.storyboard?.tiles == 1)
        let preview = try #require(entry.renditions.first { $0.profile == "preview" })
        try await expectRendition(preview, in: folder, width: 256, height: 144, duration: 1.0 / 30, frameDuration: 1.0 / 30, audio: false)
    }

    @Test func oddSizesBecomeEven() async throws {
        let (entry, folder) = try await processVideo(.oddSize)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let web = try #require(entry.renditions.first { $0.profile == "web" })
        #expect(web.method == .encode, "yuv444p at an odd size cannot be copied")
        try await expectRendition(web, in: folder, width: 1278, height: 718, duration: 1, frameDuration: 1.0 / 30, audio: false)
        let poster = try #require(entry.poster)
        #expect((poster.width, poster.height) == (640, 360))
        try await expectPicture(poster, in: folder)
    }

    @Test func thumbnailsCanBeWebP() async throws {
        var settings = MediaSettings()
        settings.thumbnails.format = .webp
        settings.thumbnails.count = 2
        settings.renditions = []
        let (entry, folder) = try await processVideo(.h264NoAudio, settings: settings)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        #expect(entry.thumbnails.map(\.file.path) == ["thumbs/01.webp", "thumbs/02.webp"])
        for thumbnail in entry.thumbnails { try await expectPicture(thumbnail, in: folder, codec: "webp") }
        #expect(entry.storyboard?.image.path == "storyboard.webp")
        #expect(entry.renditions.isEmpty)
    }

    @Test func pathsCarryThePrefix() async throws {
        let path = try await TestClips.shared.path(.h264NoAudio)
        let folder = try makeTemporaryFolder("media-prefix")
        let entry = try await InProcessMedia().video(at: path, into: folder, pathPrefix: "videos/abc/", reportedDuration: nil, asset: "videos/abc")
        let paths = [entry.poster?.file.path, entry.storyboard?.vtt.path] + entry.renditions.map(\.file.path)
        #expect(paths.allSatisfy { $0?.hasPrefix("videos/abc/") == true }, "\(paths)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("poster.jpg").path))
    }
}
