import Foundation

/// Media fixtures made on demand with the `ffmpeg` command, once per test process, in a
/// temporary folder. Small and short, so the whole suite stays fast; the cut-short clip is the
/// exception, at 10 s, because its point is a header that promises more than the packets hold.
public enum TestClip: String, Sendable, CaseIterable {
    /// H.264 High + AAC, 320x180, 30 fps, 2 s.
    case h264AAC = "h264-aac.mp4"
    /// H.264 without audio.
    case h264NoAudio = "h264-noaudio.mp4"
    /// 320x180 stored, with a display matrix that turns it 90° clockwise (portrait on screen),
    /// as phones record: ffprobe shows `rotation: -90`.
    case rotated90 = "rotated90.mp4"
    /// 30 fps for the first second, then 10 fps.
    case variableFrameRate = "vfr.mp4"
    /// The same frames in Matroska, copied by ffmpeg, whose packets then all claim one average
    /// duration (93 ms) though the frames are 33 and 100 ms apart.
    case variableFrameRateMKV = "vfr.mkv"
    /// 160x16000: a valid video of an extreme aspect ratio, 10 fps, 5 s.
    case tallStrip = "tall-strip.mp4"
    /// 400 video streams in Matroska (copies of one small stream).
    case manyStreams = "many-streams.mkv"
    /// FFV1 in Matroska: a codec FFmpeg decodes but Darkroom does not allow.
    case ffv1 = "ffv1.mkv"
    /// HEVC Main 10 (yuv420p10le), 2 s.
    case hevc10 = "hevc10.mp4"
    /// VP9 + Opus in WebM, 2 s.
    case vp9WebM = "vp9.webm"
    /// A 10 s H.264 clip with its moov in front, cut to 60% of its bytes: the header still says 10 s.
    case cutShort = "cut-short.mp4"
    /// Plain text with a video file's name.
    case textNamedMP4 = "not-media.mp4"
    /// H.264 + AAC, 1080x1920 (portrait stored portrait), 1 s.
    case portrait = "portrait.mp4"
    /// H.264, a single frame.
    case singleFrame = "single-frame.mp4"
    /// H.264 High 4:4:4, 1279x719: odd sizes are only possible without chroma subsampling.
    case oddSize = "odd-size.mp4"
    /// 4 s of H.264 with 4,000 bytes in the middle of its media data overwritten.
    case corruptMiddle = "corrupt-middle.mp4"
    /// Still images, 800x600.
    case png = "image.png"
    case jpeg = "image.jpg"
    case webp = "image.webp"
    /// A JPEG whose name says PNG.
    case jpegNamedPNG = "really-a-jpeg.png"

    /// The arguments to ffmpeg (after `-y -v error`) that make the clip at `output`.
    fileprivate func ffmpegArguments(output: String) -> [String] {
        let video = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30"]
        let audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
        let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-pix_fmt", "yuv420p"]
        switch self {
        case .h264AAC:
            return video + audio + ["-t", "2"] + x264 + ["-c:a", "aac", output]
        case .h264NoAudio:
            return video + ["-t", "2"] + x264 + [output]
        case .rotated90:
            return video + ["-t", "2"] + x264 + [output]
        case .variableFrameRate:
            return video + ["-t", "3", "-vf", "select='lt(n\\,30)+not(mod(n\\,3))'", "-vsync", "vfr"] + x264 + [output]
        case .hevc10:
            return video + ["-t", "2", "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
                            "-x265-params", "log-level=error", "-tag:v", "hvc1", output]
        case .vp9WebM:
            return video + audio + ["-t", "2", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                    "-b:v", "300k", "-c:a", "libopus", output]
        case .cutShort:
            return video + audio + ["-t", "10"] + x264 + ["-c:a", "aac", "-movflags", "+faststart", output]
        case .portrait:
            return ["-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=30"] + audio + ["-t", "1"] + x264 + ["-c:a", "aac", output]
        case .singleFrame:
            return video + ["-frames:v", "1"] + x264 + [output]
        case .oddSize:
            return ["-f", "lavfi", "-i", "testsrc2=size=1279x719:rate=30", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv444p", output]
        case .corruptMiddle:
            return video + ["-t", "4"] + x264 + ["-movflags", "+faststart", output]
        case .png, .jpeg, .webp, .jpegNamedPNG:
            let format = self == .png ? "png" : self == .webp ? "webp" : "mjpeg"
            return ["-f", "lavfi", "-i", "testsrc2=size=800x600", "-frames:v", "1", "-c:v", format == "webp" ? "libwebp" : format,
                    "-f", "image2", output]
        case .tallStrip:
            return ["-f", "lavfi", "-i", "testsrc2=size=160x16000:rate=10", "-t", "5"] + x264 + [output]
        case .ffv1:
            return ["-f", "lavfi", "-i", "testsrc2=size=64x36:rate=10", "-t", "1", "-c:v", "ffv1", output]
        case .textNamedMP4, .variableFrameRateMKV, .manyStreams:
            return []
        }
    }
}

/// Makes each clip once per process and hands out its path; safe to call from parallel tests.
public actor TestClips {
    public static let shared = TestClips()

    private let folder: URL
    private var made: [TestClip: Task<String, any Error>] = [:]

    private init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-clips-\(getpid())")
    }

    public func path(_ clip: TestClip) async throws -> String {
        if let task = made[clip] { return try await task.value }
        let folder = folder
        let task = Task { try await Self.make(clip, in: folder) }
        made[clip] = task
        return try await task.value
    }

    private static func make(_ clip: TestClip, in folder: URL) async throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(clip.rawValue).path
        switch clip {
        case .textNamedMP4:
            try Data("This is a text file, not a video.\n".utf8).write(to: URL(fileURLWithPath: path))
        case .cutShort:
            let bytes = try await wholeClip(clip, at: path)
            try Data(bytes.prefix(bytes.count * 6 / 10)).write(to: URL(fileURLWithPath: path))
        case .corruptMiddle:
            var bytes = try await wholeClip(clip, at: path)
            let garbage = pseudoRandomBytes(4000, seed: 7)
            bytes.replaceSubrange(bytes.count / 2..<bytes.count / 2 + garbage.count, with: garbage)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        case .variableFrameRateMKV:
            let mp4 = try await TestClips.shared.path(.variableFrameRate)
            try await runChecked("ffmpeg", ["-y", "-v", "error", "-i", mp4, "-c", "copy", path])
        case .manyStreams:
            let small = path + ".one.mp4"
            try await runChecked("ffmpeg", ["-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=10", "-t", "1",
                                            "-c:v", "libx264", "-preset", "ultrafast", small])
            let maps = Array(repeating: ["-map", "0:v"], count: 400).flatMap { $0 }
            try await runChecked("ffmpeg", ["-y", "-v", "error", "-i", small] + maps + ["-c", "copy", path])
        case .rotated90:
            // FFmpeg 5.1 writes a display matrix only when remuxing with a `rotate` tag, whose
            // 270 means "shown turned 90° clockwise".
            let upright = path + ".upright.mp4"
            try await runChecked("ffmpeg", ["-y", "-v", "error"] + clip.ffmpegArguments(output: upright))
            try await runChecked("ffmpeg", ["-y", "-v", "error", "-i", upright, "-c", "copy", "-metadata:s:v:0", "rotate=270", path])
        default:
            try await runChecked("ffmpeg", ["-y", "-v", "error"] + clip.ffmpegArguments(output: path))
        }
        return path
    }

    /// The bytes of the clip as ffmpeg makes it, before a test damages them.
    private static func wholeClip(_ clip: TestClip, at path: String) async throws -> [UInt8] {
        let whole = path + ".whole.mp4"
        try await runChecked("ffmpeg", ["-y", "-v", "error"] + clip.ffmpegArguments(output: whole))
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: whole)))
    }
}
