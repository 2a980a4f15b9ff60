import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// The media keys of the config file: what they set, and a message naming the key at fault for
/// each way a value can be wrong.
@Suite struct MediaSettingsConfigTests {
    private func settings(_ json: String) throws -> MediaSettings {
        guard case .object(let file) = try JSONParser.parse(Data(json.utf8)) else { throw ConfigError(path: "", "not an object") }
        return try MediaSettings(config: file)
    }

    private func error(_ json: String) -> String? {
        do {
            _ = try settings(json)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func theIssuesExampleSetsWhatItSays() throws {
        let settings = try settings("""
            {"renditions": [{"name": "p720", "codec": "h264", "max-long-side": 1280, "max-short-side": 720,
              "crf": 26, "preset": "veryfast", "audio-bit-rate": 96000}], "thumbnails": {"count": 3, "width": 480},
             "duration-tolerance": 0.25, "duration-mismatch": "error"}
            """)
        let expected = RenditionProfile(name: "p720", maxLongSide: 1280, maxShortSide: 720, crf: 26, preset: "veryfast", audioBitRate: 96_000)
        #expect(settings.renditions == [expected])
        #expect(settings.thumbnails.count == 3)
        #expect(settings.thumbnails.width == 480)
        #expect(settings.thumbnails.format == .jpeg, "what the file leaves out keeps its default")
        #expect(settings.durationTolerance == 0.25)
        #expect(settings.durationMismatchIsError)
        #expect(settings.storyboard == MediaSettings().storyboard)
    }

    @Test func everyOtherKeyIsRead() throws {
        let settings = try settings("""
            {"renditions": [{"name": "square", "codec": "hevc", "max-long-side": 720, "max-short-side": 720, "allow-copy": false}],
             "thumbnails": {"format": "webp", "poster-position": 0.1, "quality": 5},
             "storyboard": {"enabled": false, "tile-width": 120, "interval": 2.5, "max-tiles": 50, "max-columns": 5},
             "max-pixels": 1000000, "max-duration": 60, "max-streams": 4, "probe-bytes": 100000, "probe-microseconds": 0,
             "decoder-threads": 2}
            """)
        let square = try #require(settings.renditions.first)
        #expect(square.codec == .hevc && !square.allowCopy && square.crf == RenditionProfile.web.crf)
        #expect(settings.thumbnails.format == .webp && settings.thumbnails.posterPosition == 0.1 && settings.thumbnails.quality == 5)
        #expect(!settings.storyboard.enabled && settings.storyboard.tileWidth == 120 && settings.storyboard.interval == 2.5)
        #expect(settings.storyboard.maxTiles == 50 && settings.storyboard.maxColumns == 5)
        #expect(settings.limits.maxPixels == 1_000_000 && settings.limits.maxDuration == 60 && settings.limits.maxStreams == 4)
        #expect(settings.limits.probeBytes == 100_000 && settings.limits.probeMicroseconds == 0 && settings.decoderThreads == 2)
    }

    /// docs/darkroom.example.json, the file the docs show, is one that works.
    @Test func theDocumentedExampleIsAccepted() throws {
        let text = String(decoding: try Data(contentsOf: RepositoryFiles.root.appendingPathComponent("docs/darkroom.example.json")), as: UTF8.self)
        let settings = try settings(text)
        #expect(settings.renditions.map(\.name) == ["p1080", "p720", "square"])
        #expect(settings.renditions.last?.codec == .hevc)
        #expect(settings.durationMismatchIsError && settings.durationTolerance == 0.25)
    }

    @Test func anEmptyListMakesNoRenditionsAndNoKeyKeepsTheDefaults() throws {
        #expect(try settings(#"{"renditions": []}"#).renditions == [])
        #expect(try settings("{}") == MediaSettings())
    }

    static let mistakes: [(String, String)] = [
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360}, {"name": "b", "max-long-side": 640, "max-short-side": 360, "crf": 60}]}"#,
         "renditions[1].crf: must be a whole number 0…51 (got 60)"),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "crf": 20.5}]}"#,
         "renditions[0].crf: must be a whole number 0…51 (got 20.5)"),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "crff": 20}]}"#,
         "renditions[0].crff: unknown key (known here: name, codec, max-long-side, max-short-side, crf, preset, h264-profile, audio-bit-rate, allow-copy)"),
        (#"{"renditions": [{"name": "../../etc/x", "max-long-side": 640, "max-short-side": 360}]}"#,
         #"renditions[0].name: must be 1…128 of A-Z a-z 0-9 . _ - and not start with a dot (got "../../etc/x")"#),
        (#"{"renditions": [{"name": ".hidden", "max-long-side": 640, "max-short-side": 360}]}"#,
         #"renditions[0].name: must be 1…128 of A-Z a-z 0-9 . _ - and not start with a dot (got ".hidden")"#),
        (#"{"renditions": [{"name": "source", "max-long-side": 640, "max-short-side": 360}]}"#,
         #"renditions[0].name: "source" is the video's own file, source.mp4"#),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360}, {"name": "a", "max-long-side": 320, "max-short-side": 180}]}"#,
         #"renditions[1].name: "a" names an earlier rendition too; each makes its own file, <name>.mp4"#),
        (#"{"renditions": [{"max-long-side": 640, "max-short-side": 360}]}"#, "renditions[0].name: is required"),
        (#"{"renditions": [{"name": "a", "max-short-side": 360}]}"#, "renditions[0].max-long-side: is required"),
        (#"{"renditions": [{"name": "a", "max-long-side": 360, "max-short-side": 640}]}"#,
         "renditions[0].max-short-side: must be at most max-long-side (360); the box holds pictures either way round"),
        (#"{"renditions": [{"name": "a", "max-long-side": 99999, "max-short-side": 360}]}"#,
         "renditions[0].max-long-side: must be a whole number 16…8192 (got 99999)"),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "codec": "av1"}]}"#,
         #"renditions[0].codec: must be one of h264, hevc (got "av1")"#),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "preset": "quick"}]}"#,
         #"renditions[0].preset: must be one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo (got "quick")"#),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "codec": "hevc", "h264-profile": "main"}]}"#,
         "renditions[0].h264-profile: only an h264 rendition has one (this one is hevc)"),
        (#"{"renditions": [{"name": "a", "max-long-side": 640, "max-short-side": 360, "audio-bit-rate": 9007199254740993}]}"#,
         "renditions[0].audio-bit-rate: must be a whole number 16000…512000 (got 9007199254740993)"),
        (#"{"renditions": {"name": "a"}}"#, "renditions: must be an array (got an object)"),
        (#"{"renditions": ["p720"]}"#, "renditions[0]: must be an object, not a string"),
        (#"{"thumbnails": {"count": 3, "width": "480"}}"#, #"thumbnails.width: must be a whole number 16…4096 (got "480")"#),
        (#"{"thumbnails": {"count": -1}}"#, "thumbnails.count: must be a whole number 0…100 (got -1)"),
        (#"{"thumbnails": {"format": "gif"}}"#, #"thumbnails.format: must be one of jpeg, webp (got "gif")"#),
        (#"{"thumbnails": 3}"#, "thumbnails: must be an object, not a number"),
        (#"{"storyboard": {"enabled": "yes"}}"#, #"storyboard.enabled: must be true or false (got "yes")"#),
        (#"{"storyboard": {"interval": 0}}"#, "storyboard.interval: must be a number 0.1…3600 (got 0)"),
        (#"{"duration-tolerance": -1}"#, "duration-tolerance: must be a number 0…3600 (got -1)"),
        (#"{"duration-tolerance": "0.5"}"#, #"duration-tolerance: must be a number 0…3600 (got "0.5")"#),
        (#"{"duration-mismatch": "fatal"}"#, #"duration-mismatch: must be one of warning, error (got "fatal")"#),
        (#"{"max-pixels": 0}"#, "max-pixels: must be a whole number 1…1073741824 (got 0)"),
        (#"{"renditions": [{"name": "a\u202Eevil", "max-long-side": 640, "max-short-side": 360}]}"#,
         #"renditions[0].name: must be 1…128 of A-Z a-z 0-9 . _ - and not start with a dot (got "a\u{202e}evil")"#),
    ]

    @Test(arguments: mistakes)
    func aMistakeIsNamedByItsKeyPath(_ json: String, _ message: String) {
        #expect(error(json) == message)
    }
}
