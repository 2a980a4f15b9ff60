import Foundation

/// Issue 16's profiles, as an operator writes them in the config file: a 720p H.264 profile, an
/// HEVC profile in a 1:1 box and three thumbnails, and the checks (by ffprobe and the encoders'
/// own records in the files) that a video's outputs are exactly those.
public enum PublishingProfiles {
    public static let config = """
        {"renditions": [
           {"name": "p720", "codec": "h264", "max-long-side": 1280, "max-short-side": 720, "crf": 26, "preset": "veryfast",
            "audio-bit-rate": 96000, "allow-copy": false},
           {"name": "square", "codec": "hevc", "max-long-side": 480, "max-short-side": 480, "crf": 30, "preset": "ultrafast",
            "audio-bit-rate": 64000}],
         "thumbnails": {"count": 3, "width": 320},
         "duration-tolerance": 0.25}
        """

    /// Writes the config file into `folder`; returns its path.
    public static func write(into folder: URL) throws -> String {
        let file = folder.appendingPathComponent("darkroom.json")
        try Data(config.utf8).write(to: file)
        return file.path
    }

    /// What differs from the config in the outputs of `TestClips.portrait` (1080×1920) in
    /// `videoFolder`; empty when p720.mp4, square.mp4 and the three thumbnails are exactly what
    /// the profiles ask, and no built-in rendition was made.
    public static func mismatches(videoFolder: URL) async throws -> [String] {
        var found: [String] = []
        let made = try FileManager.default.contentsOfDirectory(atPath: videoFolder.path).filter { $0.hasSuffix(".mp4") && $0 != "source.mp4" }
        if Set(made) != ["p720.mp4", "square.mp4"] { found.append("renditions made: \(made.sorted())") }

        // The upright 1080×1920 picture scaled into the boxes: 1280×720 gives 720×1280, 480×480 gives 270×480.
        let expected: [(file: String, codec: String, tag: String, width: Int, height: Int, encoderRecord: String)] = [
            ("p720.mp4", "h264", "avc1", 720, 1280, "crf=26.0"),
            ("square.mp4", "hevc", "hvc1", 270, 480, "crf=30.0"),
        ]
        for output in expected {
            let path = videoFolder.appendingPathComponent(output.file).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let report = try await FFprobeReport.of(path)
            guard let video = report.video else {
                found.append("\(output.file): no video stream")
                continue
            }
            if video.codecName != output.codec || video.codecTag != output.tag {
                found.append("\(output.file): \(video.codecName)/\(video.codecTag ?? "-"), not \(output.codec)/\(output.tag)")
            }
            if video.width != output.width || video.height != output.height {
                found.append("\(output.file): \(video.width ?? 0)×\(video.height ?? 0), not \(output.width)×\(output.height)")
            }
            // libx264 and libx265 write their settings into the stream (an SEI message): the
            // CRF there is the one the encoder really used.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if bytes.range(of: Data(output.encoderRecord.utf8)) == nil { found.append("\(output.file): the encoder's record has no \(output.encoderRecord)") }
            if report.audio?.codecName != "aac" { found.append("\(output.file): audio \(report.audio?.codecName ?? "none"), not aac") }
        }

        let thumbs = videoFolder.appendingPathComponent("thumbs")
        let names = try FileManager.default.contentsOfDirectory(atPath: thumbs.path).sorted()
        if names != ["01.jpg", "02.jpg", "03.jpg"] { found.append("thumbnails: \(names)") }
        for name in names {
            let width = try await FFprobeReport.of(thumbs.appendingPathComponent(name).path).video?.width
            if width != 320 { found.append("thumbs/\(name): \(width ?? 0) wide, not 320") }
        }
        return found
    }

    /// What differs from the config in a video's index entry (`videos[]`, as JSON): the profiles'
    /// values and the tolerance must be recorded as they were used.
    public static func indexMismatches(_ video: [String: Any]) -> [String] {
        var found: [String] = []
        let renditions = video["renditions"] as? [[String: Any]] ?? []
        let settings = renditions.compactMap { $0["settings"] as? [String: Any] }
        let recorded = settings.map { "\($0["name"] ?? "")/\($0["codec"] ?? "")/\($0["max_long_side"] ?? "")x\($0["max_short_side"] ?? "")/crf\($0["crf"] ?? "")/\($0["preset"] ?? "")/\($0["audio_bit_rate"] ?? "")/\($0["h264_profile"] ?? "-")" }
        let asked = ["p720/h264/1280x720/crf26/veryfast/96000/high", "square/hevc/480x480/crf30/ultrafast/64000/-"]
        if recorded != asked { found.append("renditions' settings: \(recorded)") }
        let check = video["duration_check"] as? [String: Any] ?? [:]
        if check["tolerance"] as? Double != 0.25 { found.append("duration_check.tolerance: \(check["tolerance"] ?? "absent")") }
        if check["mismatch"] as? String != "warning" { found.append("duration_check.mismatch: \(check["mismatch"] ?? "absent")") }
        return found
    }
}
