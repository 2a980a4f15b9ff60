import DarkroomMedia
import DarkroomTestSupport
import Foundation
import Testing

/// Darkroom's probe against ffprobe on clips made for the test: the same codec and size, and a
/// measured duration within one frame of what ffprobe's packet list gives.
@Suite struct ProberAgreesWithFFprobe {
    static let clips: [TestClip] = [.h264AAC, .h264NoAudio, .rotated90, .variableFrameRate, .hevc10, .vp9WebM, .cutShort]

    @Test(arguments: clips)
    func matchesFFprobe(_ clip: TestClip) async throws {
        let path = try await TestClips.shared.path(clip)
        let oracle = try await FFprobeReport.of(path)
        let probe = try Prober().probe(.file(path))

        #expect(probe.container == oracle.formatName)
        let video = try #require(probe.video)
        let oracleVideo = try #require(oracle.video)
        #expect(video.codec == oracleVideo.codecName)
        #expect(video.width == oracleVideo.width)
        #expect(video.height == oracleVideo.height)
        #expect(video.profile == oracleVideo.profile)
        #expect(video.pixFmt == oracleVideo.pixFmt)
        #expect(video.frames == oracle.videoPacketCount)

        let frame = 1 / (try #require(oracle.videoFrameRate))
        let measured = try #require(probe.durationMeasured)
        let oracleMeasured = try #require(oracle.videoPacketDuration)
        #expect(abs(measured - oracleMeasured) <= frame, "measured \(measured) s, ffprobe's packets \(oracleMeasured) s")

        #expect(probe.audio?.codec == oracle.audio?.codecName)
        #expect(probe.audio?.sampleRate == oracle.audio?.sampleRate)
        #expect(probe.audio?.channels == oracle.audio?.channels)
    }

    @Test func codecsAreTheOnesAskedFor() async throws {
        #expect(try Prober().probe(.file(await TestClips.shared.path(.hevc10))).video?.codec == "hevc")
        #expect(try Prober().probe(.file(await TestClips.shared.path(.hevc10))).video?.pixFmt == "yuv420p10le")
        let webm = try Prober().probe(.file(await TestClips.shared.path(.vp9WebM)))
        #expect(webm.video?.codec == "vp9")
        #expect(webm.audio?.codec == "opus")
        #expect(webm.container == "matroska,webm")
        #expect(try Prober().probe(.file(await TestClips.shared.path(.h264NoAudio))).audio == nil)
    }

    @Test func rotationComesFromTheDisplayMatrix() async throws {
        let path = try await TestClips.shared.path(.rotated90)
        let oracle = try await FFprobeReport.of(path)
        let rotation = try #require(Prober().probe(.file(path)).video?.rotation)
        // ffprobe prints the matrix's counterclockwise angle; Darkroom reports the clockwise turn.
        let oracleRotation = try #require(oracle.video?.displayRotation)
        #expect(rotation == (Int(-oracleRotation) % 360 + 360) % 360)
        #expect(oracleRotation == -90)
        #expect(rotation == 90)
        #expect(try Prober().probe(.file(await TestClips.shared.path(.h264AAC))).video?.rotation == 0)
    }

    @Test func variableFrameRateIsMeasuredByItsPackets() async throws {
        let probe = try Prober().probe(.file(await TestClips.shared.path(.variableFrameRate)))
        // 30 frames at 30 fps, then 20 frames at 10 fps: 50 packets over 3 s.
        #expect(probe.video?.frames == 50)
        #expect(abs((probe.durationMeasured ?? 0) - 3) < 0.15)
    }

    @Test func aClipCutShortKeepsItsHeaderButNotItsPackets() async throws {
        let probe = try Prober().probe(.file(await TestClips.shared.path(.cutShort)))
        let header = try #require(probe.durationHeader)
        let measured = try #require(probe.durationMeasured)
        #expect(abs(header - 10) < 0.1)
        #expect(measured > 5 && measured < 7.5, "measured \(measured) s")
    }

    @Test func anIntactClipMeasuresItsHeaderDuration() async throws {
        let probe = try Prober().probe(.file(await TestClips.shared.path(.h264AAC)))
        #expect(abs((probe.durationMeasured ?? 0) - 2) < 1.0 / 30 + 0.001)
        #expect(probe.readError == nil)
        #expect((probe.bitRate ?? 0) > 0)
        #expect(probe.video?.frameRate == "30/1")
    }
}

@Suite struct ProberRefusals {
    @Test func textFileNamedMP4IsNotMedia() async throws {
        let path = try await TestClips.shared.path(.textNamedMP4)
        #expect(throws: MediaError(.notMedia, input: path, "not a media file: no container signature Darkroom reads (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG-TS, PNG, JPEG, WebP, GIF, MP3, WAV, Ogg, FLAC, AAC)")) {
            try Prober().probe(.file(path))
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: MediaError(.unreadable, input: "/nonexistent/clip.mp4", "cannot open (No such file or directory)")) {
            try Prober().probe(.file("/nonexistent/clip.mp4"))
        }
    }

    @Test func emptyFileIsNotMedia() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).mp4").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: MediaError.self) { try Prober().probe(.file(path)) }
        #expect(error?.kind == .notMedia)
    }

    /// A playlist could make FFmpeg read other files; only real containers are opened.
    @Test func playlistsAreNotFollowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("m3u8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let playlist = folder.appendingPathComponent("clip.mp4")
        try Data("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".utf8).write(to: playlist)
        let error = #expect(throws: MediaError.self) { try Prober().probe(.file(playlist.path)) }
        #expect(error?.kind == .notMedia)
    }
}
