import CFFmpeg
import DarkroomCore

/// Probes media with libavformat: the container's facts, its main video and audio streams, and
/// the duration measured from the packets actually present.
///
/// Measuring reads every packet of the main stream (the best video stream, else the best audio
/// stream) without decoding; the other streams are discarded at the demuxer. A read error part
/// way through ends the measurement there and is reported in `readError`, not thrown: a file
/// cut short is a finding, not a failure to probe.
public struct Prober: Sendable {
    /// Bounds what opening may decode and keep (pixels, streams, bytes probed).
    public var limits: MediaLimits

    public init(limits: MediaLimits = MediaLimits()) {
        self.limits = limits
    }

    public func probe(_ source: MediaSource) throws(MediaError) -> ProbeResult {
        let input = try DemuxerInput(source, limits: limits)
        let format = input.context.pointee
        guard let main = input.bestStream(AVMEDIA_TYPE_VIDEO) ?? input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError(.noMediaStream, input: source.description, "no video or audio stream")
        }
        for stream in input.streams where stream != main {
            stream.pointee.discard = AVDISCARD_ALL
        }
        let measurement = measure(input, stream: main)

        let videoStream = main.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO ? main : nil
        return ProbeResult(
            container: String(cString: format.iformat.pointee.name),
            durationHeader: format.duration == darkroom_AV_NOPTS_VALUE || format.duration <= 0
                ? nil : rounded(Double(format.duration) / Double(AV_TIME_BASE)),
            durationMeasured: measurement.duration.map(rounded),
            bitRate: format.bit_rate > 0 ? Int(format.bit_rate) : nil,
            video: videoStream.map { videoProbe($0, frames: measurement.packets) },
            audio: input.bestStream(AVMEDIA_TYPE_AUDIO).map(audioProbe),
            readError: measurement.readError
        )
    }

    private struct Measurement {
        var duration: Double?
        var packets: Int
        var readError: String?
    }

    private func measure(_ input: DemuxerInput, stream: UnsafeMutablePointer<AVStream>) -> Measurement {
        guard let packet = av_packet_alloc() else { return Measurement(duration: nil, packets: 0, readError: "out of memory") }
        var owned: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&owned) }

        var first = Int64.max
        var end = Int64.min
        // A packet without a duration (MP4 with an edit list gives none) still shows for a
        // frame's time; without this the measurement would come up one frame short.
        let frameRate = stream.pointee.avg_frame_rate
        let frameDuration = frameRate.num > 0 && frameRate.den > 0
            ? av_rescale_q(1, av_inv_q(frameRate), stream.pointee.time_base) : 0
        var count = 0
        var readError: String?
        while true {
            let status = av_read_frame(input.context, packet)
            if status < 0 {
                if status != darkroom_AVERROR_EOF { readError = ffmpegErrorText(status) }
                break
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == stream.pointee.index else { continue }
            count += 1
            let start = packet.pointee.pts != darkroom_AV_NOPTS_VALUE ? packet.pointee.pts : packet.pointee.dts
            guard start != darkroom_AV_NOPTS_VALUE else { continue }
            first = min(first, start)
            let duration = packet.pointee.duration > 0 ? packet.pointee.duration : frameDuration
            // Timestamps are the file's own numbers: near Int64's ends they must not trap.
            let (packetEnd, overflow) = start.addingReportingOverflow(duration)
            end = max(end, overflow ? Int64.max : packetEnd)
        }
        guard end > first else { return Measurement(duration: nil, packets: count, readError: readError) }
        let seconds = (Double(end) - Double(first)) * av_q2d(stream.pointee.time_base)
        return Measurement(duration: seconds, packets: count, readError: readError)
    }

    private func videoProbe(_ stream: UnsafeMutablePointer<AVStream>, frames: Int) -> VideoStreamProbe {
        let parameters = stream.pointee.codecpar.pointee
        let profile = avcodec_profile_name(parameters.codec_id, parameters.profile).map { String(cString: $0) }
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) }
        return VideoStreamProbe(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            profile: profile,
            width: Int(parameters.width),
            height: Int(parameters.height),
            pixFmt: pixelFormat,
            frameRate: fraction(stream.pointee.avg_frame_rate) ?? fraction(stream.pointee.r_frame_rate),
            frames: frames,
            rotation: clockwiseRotation(stream)
        )
    }

    private func audioProbe(_ stream: UnsafeMutablePointer<AVStream>) -> AudioStreamProbe {
        let parameters = stream.pointee.codecpar.pointee
        return AudioStreamProbe(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            sampleRate: Int(parameters.sample_rate),
            channels: Int(parameters.ch_layout.nb_channels)
        )
    }

    /// The display matrix stores a counterclockwise angle; players (and FFmpeg's autorotate)
    /// turn the picture clockwise by its negation. Normalised to 0..<360.
    private func clockwiseRotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        let counterclockwise = darkroom_stream_rotation(stream)
        guard counterclockwise.isFinite else { return 0 }
        let clockwise = Int((-counterclockwise).rounded()) % 360
        return clockwise < 0 ? clockwise + 360 : clockwise
    }

    private func fraction(_ rational: AVRational) -> String? {
        guard rational.num > 0, rational.den > 0 else { return nil }
        var num: Int32 = 0
        var den: Int32 = 0
        av_reduce(&num, &den, Int64(rational.num), Int64(rational.den), Int64(Int32.max))
        return "\(num)/\(den)"
    }

    /// Microsecond precision, as ffprobe prints times; hides binary-fraction noise in the JSON.
    private func rounded(_ seconds: Double) -> Double {
        (seconds * 1_000_000).rounded() / 1_000_000
    }
}
