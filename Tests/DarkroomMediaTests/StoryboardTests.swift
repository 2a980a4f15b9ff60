import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

@testable import DarkroomMedia

/// The storyboard's layout, and its WebVTT cues checked against the sprite ffprobe sees.
@Suite struct StoryboardTests {
    @Test func oneTilePerSecondInOneRowForShortVideos() {
        let layout = StoryboardLayout(settings: StoryboardSettings(), width: 1920, height: 1080, duration: 5.083)
        #expect((layout.tiles, layout.columns, layout.rows) == (6, 6, 1))
        #expect((layout.tileWidth, layout.tileHeight) == (160, 90))
        #expect(layout.interval == 1)
        #expect(layout.span(ofTile: 5) == (5, 5.083), "the last cue ends at the duration")
    }

    @Test func longVideosStretchTheIntervalToStayWithinTheCap() {
        let layout = StoryboardLayout(settings: StoryboardSettings(), width: 1080, height: 1920, duration: 250)
        #expect(layout.interval == 2.5)
        #expect((layout.tiles, layout.columns, layout.rows) == (100, 10, 10))
        #expect((layout.tileWidth, layout.tileHeight) == (160, 284))
        #expect(layout.origin(ofTile: 23) == (480, 568))
    }

    @Test func webVTTTimestampsAreWellFormed() {
        #expect(StoryboardLayout.timestamp(0) == "00:00:00.000")
        #expect(StoryboardLayout.timestamp(3725.5) == "01:02:05.500")
        let layout = StoryboardLayout(settings: StoryboardSettings(), width: 320, height: 180, duration: 1.5)
        #expect(layout.webVTT(imageName: "storyboard.jpg") == """
            WEBVTT

            00:00:00.000 --> 00:00:01.000
            storyboard.jpg#xywh=0,0,160,90

            00:00:01.000 --> 00:00:01.500
            storyboard.jpg#xywh=160,0,160,90

            """)
    }

    @Test func cuesCoverTheVideoAndPointInsideTheSprite() async throws {
        var settings = MediaSettings()
        settings.storyboard.interval = 0.25
        settings.storyboard.maxColumns = 3
        settings.renditions = []
        let (entry, folder) = try await processVideo(.h264AAC, settings: settings)
        let storyboard = try #require(entry.storyboard)
        #expect((storyboard.tiles, storyboard.columns, storyboard.rows) == (8, 3, 3))
        let sprite = try await FFprobeReport.of(folder.appendingPathComponent(storyboard.image.path).path)
        let spriteWidth = try #require(sprite.video?.width)
        let spriteHeight = try #require(sprite.video?.height)
        #expect((spriteWidth, spriteHeight) == (3 * 160, 3 * 90))

        let vtt = try String(contentsOf: folder.appendingPathComponent(storyboard.vtt.path), encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT\n"))
        let cues = vtt.matches(of: /(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n([^#\n]+)#xywh=(\d+),(\d+),(\d+),(\d+)/)
        #expect(cues.count == 8)
        func seconds(_ h: Substring, _ m: Substring, _ s: Substring, _ ms: Substring) -> Double {
            Double(Int(h)! * 3600 + Int(m)! * 60 + Int(s)!) + Double(Int(ms)!) / 1000
        }
        var expectedStart = 0.0
        for cue in cues {
            let start = seconds(cue.1, cue.2, cue.3, cue.4)
            let end = seconds(cue.5, cue.6, cue.7, cue.8)
            #expect(abs(start - expectedStart) < 0.0005, "cues are contiguous from 0")
            #expect(end > start)
            expectedStart = end
            #expect(cue.9 == "storyboard.jpg")
            let (x, y, w, h) = (Int(cue.10)!, Int(cue.11)!, Int(cue.12)!, Int(cue.13)!)
            #expect(x + w <= spriteWidth && y + h <= spriteHeight, "tile \(x),\(y) \(w)x\(h) inside \(spriteWidth)x\(spriteHeight)")
        }
        #expect(abs(expectedStart - (entry.probe?.durationMeasured ?? 0)) < 0.0005, "the last cue ends at the measured duration")
    }
}

@Suite struct PictureGeometryTests {
    @Test func renditionBoxesTurnWithThePicture() {
        #expect(PictureGeometry.fitting(width: 1920, height: 1080, maxLongSide: 854, maxShortSide: 480) == (854, 480))
        #expect(PictureGeometry.fitting(width: 1080, height: 1920, maxLongSide: 854, maxShortSide: 480) == (480, 854))
        #expect(PictureGeometry.fitting(width: 1920, height: 1080, maxLongSide: 1920, maxShortSide: 1080) == (1920, 1080))
        #expect(PictureGeometry.fitting(width: 3840, height: 2160, maxLongSide: 1920, maxShortSide: 1080) == (1920, 1080))
        #expect(PictureGeometry.fitting(width: 1279, height: 719, maxLongSide: 1920, maxShortSide: 1080) == (1278, 718), "never up")
        #expect(PictureGeometry.fitting(width: 2000, height: 500, maxLongSide: 854, maxShortSide: 480) == (854, 214))
    }

    @Test func thumbnailsKeepTheAspectAndNeverGrow() {
        #expect(PictureGeometry.scaled(width: 1920, height: 1080, toWidth: 640) == (640, 360))
        #expect(PictureGeometry.scaled(width: 1080, height: 1920, toWidth: 640) == (640, 1138))
        #expect(PictureGeometry.scaled(width: 320, height: 180, toWidth: 640) == (320, 180))
        #expect(PictureGeometry.scaled(width: 1279, height: 719, toWidth: 640) == (640, 360))
        #expect(PictureGeometry.upright(width: 320, height: 180, rotation: 90) == (180, 320))
        #expect(PictureGeometry.upright(width: 320, height: 180, rotation: 180) == (320, 180))
    }
}
