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
    /// HEVC Main 10 (yuv420p10le), 2 s.
    case hevc10 = "hevc10.mp4"
    /// VP9 + Opus in WebM, 2 s.
    case vp9WebM = "vp9.webm"
    /// A 10 s H.264 clip with its moov in front, cut to 60% of its bytes: the header still says 10 s.
    case cutShort = "cut-short.mp4"
    /// Plain text with a video file's name.
    case textNamedMP4 = "not-media.mp4"

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
        case .textNamedMP4:
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
            let whole = path + ".whole.mp4"
            try await runChecked("ffmpeg", ["-y", "-v", "error"] + clip.ffmpegArguments(output: whole))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
            try bytes.prefix(bytes.count * 6 / 10).write(to: URL(fileURLWithPath: path))
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
}
