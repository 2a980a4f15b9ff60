import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// Runs the pipeline on a test clip into a fresh folder.
func processVideo(
    _ clip: TestClip, settings: MediaSettings = MediaSettings(), reportedDuration: Double? = nil
) async throws -> (entry: VideoEntry, folder: URL) {
    let path = try await TestClips.shared.path(clip)
    let folder = try makeTemporaryFolder("media-\(clip)")
    // On a thread of its own, as the service runs it: the pipeline blocks for seconds, and on the
    // cooperative pool it starved the in-process servers of the tests running beside it.
    let entry = try await InProcessMedia(MediaProcessor(settings: settings)).video(
        at: path, into: folder, pathPrefix: "", reportedDuration: reportedDuration, asset: "videos/\(clip)")
    return (entry, folder)
}

/// Settings whose `preview` box is small enough that the small test clips are re-encoded.
func settingsWithSmallPreview() -> MediaSettings {
    var settings = MediaSettings()
    var preview = RenditionProfile.preview
    preview.maxLongSide = 256
    preview.maxShortSide = 144
    settings.renditions = [.web, preview]
    return settings
}

/// The file exists, has the size and hash the entry lists, and ffprobe reads it as a picture
/// of `codec` at the entry's size.
func expectPicture(_ image: StillImage, in folder: URL, codec: String = "mjpeg", sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let path = folder.appendingPathComponent(image.file.path).path
    let described = try StoredFile(hashing: URL(fileURLWithPath: path), as: image.file.path)
    #expect(described == image.file, sourceLocation: sourceLocation)
    let oracle = try await FFprobeReport.of(path)
    #expect(oracle.video?.codecName == codec, sourceLocation: sourceLocation)
    #expect(oracle.video?.width == image.width, sourceLocation: sourceLocation)
    #expect(oracle.video?.height == image.height, sourceLocation: sourceLocation)
    #expect(image.width % 2 == 0 && image.height % 2 == 0, sourceLocation: sourceLocation)
}

/// ffprobe finds an H.264 (yuv420p, no rotation) MP4 with its moov first, the size asked for,
/// AAC audio when the source had audio, and a duration within one frame of the source's.
func expectRendition(
    _ rendition: Rendition, in folder: URL, width: Int, height: Int, duration: Double, frameDuration: Double, audio: Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let path = folder.appendingPathComponent(rendition.file.path).path
    let described = try StoredFile(hashing: URL(fileURLWithPath: path), as: rendition.file.path)
    #expect(described == rendition.file, sourceLocation: sourceLocation)
    let oracle = try await FFprobeReport.of(path)
    let video = try #require(oracle.video, sourceLocation: sourceLocation)
    #expect(video.codecName == "h264", sourceLocation: sourceLocation)
    #expect(video.pixFmt == "yuv420p", sourceLocation: sourceLocation)
    #expect(video.width == width && video.height == height, "\(video.width ?? 0)x\(video.height ?? 0)", sourceLocation: sourceLocation)
    #expect(video.displayRotation == nil, sourceLocation: sourceLocation)
    #expect(oracle.audio?.codecName == (audio ? "aac" : nil), sourceLocation: sourceLocation)
    let outputDuration = try #require(video.duration, sourceLocation: sourceLocation)
    #expect(abs(outputDuration - duration) <= frameDuration + 0.001, "\(outputDuration) s against \(duration) s", sourceLocation: sourceLocation)
    let boxes = try await FFprobeReport.topLevelBoxes(path)
    let moov = try #require(boxes.firstIndex(of: "moov"), sourceLocation: sourceLocation)
    let mdat = try #require(boxes.firstIndex(of: "mdat"), sourceLocation: sourceLocation)
    #expect(moov < mdat, "boxes \(boxes)", sourceLocation: sourceLocation)
    #expect(rendition.faststart, sourceLocation: sourceLocation)
    #expect(rendition.video?.width == width && rendition.video?.height == height, sourceLocation: sourceLocation)
}

/// Problem kinds, for compact expectations.
func kinds(_ problems: [Problem]) -> [Problem.Kind] {
    problems.map(\.kind)
}
