import DarkroomCore
import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// Images are judged by their bytes, decoded, checked and thumbnailed.
@Suite struct ImagePipelineTests {
    private func process(_ path: String, settings: MediaSettings = MediaSettings()) throws -> (ImageEntry, URL) {
        let folder = try makeTemporaryFolder("image")
        return (try MediaProcessor(settings: settings).image(at: path, into: folder, pathPrefix: "images/0/", asset: "images/0"), folder)
    }

    @Test(arguments: [(TestClip.png, "png"), (.jpeg, "mjpeg"), (.webp, "webp"), (.jpegNamedPNG, "mjpeg")])
    func imagesGetAProbeAndAThumbnail(_ clip: TestClip, codec: String) async throws {
        let path = try await TestClips.shared.path(clip)
        #expect(MediaProcessor().isImage(at: path))
        let (entry, folder) = try process(path)
        #expect(entry.problems.isEmpty, "\(entry.problems)")
        #expect(entry.probe?.codec == codec, "the bytes decide, not the name")
        #expect((entry.probe?.width, entry.probe?.height) == (800, 600))
        let thumbnail = try #require(entry.thumbnail)
        #expect(thumbnail.file.path == "images/0/thumb.jpg")
        #expect((thumbnail.width, thumbnail.height) == (640, 480))
        #expect(thumbnail.at == nil)
        var unprefixed = thumbnail
        unprefixed.file.path = "thumb.jpg"
        try await expectPicture(unprefixed, in: folder)
    }

    @Test func aHeaderWhosePixelCountOverflowsIsTooLarge() throws {
        let path = try makeTemporaryFolder("huge-png").appendingPathComponent("huge.png")
        try HostileMedia.hugePNG.write(to: path)
        #expect(HostileMedia.hugePNG.count == 33)
        let (entry, _) = try process(path.path)
        #expect(entry.problems.map(\.kind) == [.tooLarge])
        #expect(entry.problems.first?.message.contains("4294967295x4294967295 is over the limit") == true, "\(entry.problems)")
        #expect(entry.thumbnail == nil)
    }

    @Test func fileExtensionComesFromTheContent() {
        #expect(ImageProbe(codec: "mjpeg", width: 1, height: 1, pixFmt: nil).fileExtension == "jpg")
        #expect(ImageProbe(codec: "png", width: 1, height: 1, pixFmt: nil).fileExtension == "png")
        #expect(ImageProbe(codec: "webp", width: 1, height: 1, pixFmt: nil).fileExtension == "webp")
    }

    @Test(arguments: [TestClip.textNamedMP4, .h264AAC])
    func somethingElseIsUnsupportedMedia(_ clip: TestClip) async throws {
        let path = try await TestClips.shared.path(clip)
        #expect(!MediaProcessor().isImage(at: path))
        let (entry, folder) = try process(path)
        #expect(kinds(entry.problems) == [.unsupportedMedia], "\(entry.problems)")
        #expect(entry.problems[0].message.contains("image"), "\(entry.problems[0].message)")
        #expect(entry.thumbnail == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// A PNG whose header claims 12000x12000 with no picture data: refused by size, before any
    /// 576 MB picture is allocated.
    @Test func hugeImageHeaderIsRefusedBeforeDecoding() throws {
        let folder = try makeTemporaryFolder("image-huge")
        let path = folder.appendingPathComponent("huge.png").path
        try pngHeaderOnly(width: 12000, height: 12000).write(to: URL(fileURLWithPath: path))
        let (entry, _) = try process(path)
        #expect(kinds(entry.problems) == [.tooLarge], "\(entry.problems)")
        #expect(entry.problems[0].message.contains("12000x12000"), "\(entry.problems[0].message)")
    }

    @Test func imagesOverThePixelLimitAreRefused() async throws {
        var settings = MediaSettings()
        settings.limits.maxPixels = 800 * 600 - 1
        let (entry, _) = try process(try await TestClips.shared.path(.png), settings: settings)
        #expect(kinds(entry.problems) == [.tooLarge])
    }

    @Test func truncatedImageIsUnsupportedMedia() async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.png)))
        let folder = try makeTemporaryFolder("image-cut")
        let path = folder.appendingPathComponent("cut.png").path
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        let (entry, _) = try process(path)
        #expect(kinds(entry.problems) == [.unsupportedMedia], "\(entry.problems)")
    }
}

/// A PNG signature and an IHDR chunk for an 8-bit RGB picture of the given size, then IEND:
/// a header that promises a picture and holds none.
private func pngHeaderOnly(width: UInt32, height: UInt32) -> Data {
    func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }
    let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
    return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IEND", []))
}

/// CRC-32 (IEEE), as PNG chunks carry it.
private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
