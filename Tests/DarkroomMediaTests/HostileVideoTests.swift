import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// Valid but hostile videos: what opening them may cost is bounded, and an output that cannot
/// be made for an extreme picture is a warning on that output, never an error on the asset.
@Suite struct HostileVideoTests {
    @Test func aContainerWithHundredsOfStreamsIsRefusedAtOpen() async throws {
        let (entry, folder) = try await processVideo(.manyStreams)
        #expect(kinds(entry.problems) == [.tooLarge], "\(entry.problems)")
        #expect(entry.problems.first?.message.contains("more streams than the limit of 16") == true, "\(entry.problems)")
        #expect(entry.probe == nil, "refused before any stream was probed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        var settings = MediaSettings()
        settings.limits.maxStreams = 400
        settings.renditions = []
        settings.storyboard.enabled = false
        let (allowed, _) = try await processVideo(.manyStreams, settings: settings)
        #expect(allowed.problems.isEmpty, "the limit is a setting: \(allowed.problems)")
    }

    @Test func aDecoderOutsideTheAllowListIsNeverOpened() async throws {
        let (entry, folder) = try await processVideo(.ffv1)
        #expect(kinds(entry.problems) == [.unsupportedMedia], "\(entry.problems)")
        #expect(entry.problems.first?.message.contains("ffv1 is not a codec Darkroom decodes (the ffv1 decoder is not allowed)") == true,
                "\(entry.problems)")
        #expect(entry.decode == nil && entry.poster == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// 160×16000: thumbnails and tiles fit a box twice as tall as wide, so every output is made.
    @Test func anExtremeAspectRatioGetsEveryOutput() async throws {
        var settings = MediaSettings()
        // Fifty tiles in five rows of 16,000-pixel pictures made a 1600×80000 sheet before.
        settings.storyboard.interval = 0.1
        let (entry, folder) = try await processVideo(.tallStrip, settings: settings)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        let poster = try #require(entry.poster)
        #expect(poster.height <= 2 * settings.thumbnails.width && poster.height == 1280 && poster.width == 12, "\(poster.width)x\(poster.height)")
        try await expectPicture(poster, in: folder)
        #expect(entry.thumbnails.count == settings.thumbnails.count)
        let storyboard = try #require(entry.storyboard)
        #expect(storyboard.tiles == 50)
        #expect(storyboard.tileHeight <= 2 * settings.storyboard.tileWidth, "\(storyboard.tileWidth)x\(storyboard.tileHeight)")
        let sheet = try await FFprobeReport.of(folder.appendingPathComponent(storyboard.image.path).path)
        #expect(sheet.video?.width == storyboard.columns * storyboard.tileWidth)
        #expect(sheet.video?.height == storyboard.rows * storyboard.tileHeight)
        #expect(entry.renditions.map(\.profile) == ["web", "preview"])
    }

    @Test func aStoryboardThatCannotBeMadeIsAWarningOnIt() async throws {
        var settings = settingsWithSmallPreview()
        settings.storyboard.maxColumns = 200
        settings.storyboard.interval = 0.01
        settings.storyboard.maxTiles = 200
        let (entry, folder) = try await processVideo(.h264AAC, settings: settings)
        #expect(kinds(entry.problems) == [.outputSkipped], "\(entry.problems)")
        #expect(entry.problems.first?.severity == .warning)
        #expect(entry.problems.first?.message.contains("no storyboard: its sheet would be 32000x") == true, "\(entry.problems)")
        #expect(entry.storyboard == nil)
        #expect(entry.thumbnails.count == 5 && entry.poster != nil && entry.renditions.count == 2, "everything else is made")
        try await expectPicture(try #require(entry.poster), in: folder)
    }
}
