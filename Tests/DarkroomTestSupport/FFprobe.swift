import Foundation

/// `ffprobe`, the independent oracle the tests hold Darkroom's probe against.
public struct FFprobeReport: Sendable {
    public struct Stream: Sendable {
        public var codecType: String
        public var codecName: String
        /// The sample entry's four characters in an MP4 (`avc1`, `hvc1`, `hev1`, `mp4a`).
        public var codecTag: String?
        public var width: Int?
        public var height: Int?
        public var profile: String?
        public var pixFmt: String?
        public var sampleRate: Int?
        public var channels: Int?
        /// The display matrix rotation as ffprobe prints it (counterclockwise degrees).
        public var displayRotation: Double?
        /// The stream's duration in seconds, as the container's index states it.
        public var duration: Double?
        public var frameCount: Int?
    }

    public var formatName: String
    public var durationSeconds: Double?
    public var streams: [Stream]
    /// Measured from the first video stream's packets: max(pts + duration) − min(pts).
    public var videoPacketDuration: Double?
    public var videoPacketCount: Int
    /// The first video stream's average frame rate, in frames per second.
    public var videoFrameRate: Double?

    public var video: Stream? { streams.first { $0.codecType == "video" } }
    public var audio: Stream? { streams.first { $0.codecType == "audio" } }

    public static func of(_ path: String) async throws -> FFprobeReport {
        let result = try await runChecked("ffprobe", [
            "-v", "error", "-of", "json", "-show_format", "-show_streams", path,
        ])
        let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
        let format = json["format"] as? [String: Any] ?? [:]
        let streamObjects = json["streams"] as? [[String: Any]] ?? []
        let streams = streamObjects.map { object in
            let sideData = object["side_data_list"] as? [[String: Any]] ?? []
            return Stream(
                codecType: object["codec_type"] as? String ?? "",
                codecName: object["codec_name"] as? String ?? "",
                codecTag: object["codec_tag_string"] as? String,
                width: object["width"] as? Int,
                height: object["height"] as? Int,
                profile: object["profile"] as? String,
                pixFmt: object["pix_fmt"] as? String,
                sampleRate: (object["sample_rate"] as? String).flatMap { Int($0) },
                channels: object["channels"] as? Int,
                displayRotation: sideData.compactMap { ($0["rotation"] as? NSNumber)?.doubleValue }.first,
                duration: (object["duration"] as? String).flatMap { Double($0) },
                frameCount: (object["nb_frames"] as? String).flatMap { Int($0) }
            )
        }
        var report = FFprobeReport(
            formatName: format["format_name"] as? String ?? "",
            durationSeconds: (format["duration"] as? String).flatMap { Double($0) },
            streams: streams, videoPacketDuration: nil, videoPacketCount: 0, videoFrameRate: nil
        )
        if let videoObject = streamObjects.first(where: { $0["codec_type"] as? String == "video" }) {
            report.videoFrameRate = (videoObject["avg_frame_rate"] as? String).flatMap(Self.rate)
            try await report.measurePackets(path, timeBase: videoObject["time_base"] as? String ?? "1/1")
        }
        return report
    }

    private mutating func measurePackets(_ path: String, timeBase: String) async throws {
        let result = try await runChecked("ffprobe", [
            "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,dts,duration", "-of", "csv=p=0", path,
        ])
        var first = Int64.max
        var end = Int64.min
        var count = 0
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3 else { continue }
            count += 1
            guard let start = Int64(fields[0]) ?? Int64(fields[1]) else { continue }
            first = min(first, start)
            end = max(end, start + (Int64(fields[2]) ?? 0))
        }
        videoPacketCount = count
        if end > first, let base = Self.rate(timeBase) {
            videoPacketDuration = Double(end - first) * base
        }
    }

    private static func rate(_ fraction: String) -> Double? {
        let parts = fraction.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0, parts[0] != 0 else { return nil }
        return parts[0] / parts[1]
    }
}

extension FFprobeReport {
    /// The four-character types of an MP4's top-level boxes, in file order, as ffprobe's
    /// trace shows them (`ftyp`, `moov`, `mdat`, …).
    public static func topLevelBoxes(_ path: String) async throws -> [String] {
        let result = try await runChecked("ffprobe", ["-v", "trace", "-i", path])
        let pattern = /type:'(....)' parent:'root'/
        return result.stderr.split(separator: "\n").compactMap { line in
            line.firstMatch(of: pattern).map { String($0.1) }
        }
    }

    /// The SSIM (0…1, 1 = identical) of two pictures of the same size, by `ffmpeg`'s ssim filter.
    public static func ssim(_ first: String, _ second: String) async throws -> Double {
        let result = try await runChecked("ffmpeg", ["-v", "info", "-nostats", "-i", first, "-i", second, "-lavfi", "ssim", "-f", "null", "-"])
        guard let match = result.stderr.firstMatch(of: /All:([0-9.]+)/), let value = Double(match.1) else {
            throw CommandError.failed("ffmpeg ssim", result)
        }
        return value
    }
}
