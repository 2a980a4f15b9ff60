import CFFmpeg

/// Gives each encoded video packet the duration its frame is shown for in the source, which
/// libx264 and libx265 leave out and the MP4 muxer needs (for the last frame above all).
///
/// A frame is shown until the next one starts, so its duration is the gap to the next frame's
/// timestamp: the one measure that holds on variable frame rates, where a container's packet
/// durations may be an average (Matroska written by a remux says 93 ms for frames 33 and 100 ms
/// apart). The last frame has no next one: it lasts what its packet says, cut at the end the
/// container states, or one frame at the average rate when neither says anything.
final class PacketDurations {
    /// Frame durations by timestamp, until their packet comes out of the encoder.
    private var durations: [Int64: Int64] = [:]
    /// The latest frame's timestamp and what its packet said; its duration is known once the
    /// next frame arrives.
    private var latest: (timestamp: Int64, packetDuration: Int64)?
    /// One frame at the stream's average rate, for a frame whose packet said nothing.
    private let fallback: Int64
    /// Where the container says the video ends, in the stream's time base.
    private let end: Int64?

    init(frameRate: AVRational, timeBase: AVRational, end: Int64?) {
        fallback = frameRate.num > 0 && frameRate.den > 0 ? av_rescale_q(1, av_inv_q(frameRate), timeBase) : 0
        self.end = end
    }

    /// The frame at `timestamp` goes to the encoder; `packetDuration` is what its source packet
    /// said (0: nothing). Frames come in presentation order.
    func frame(at timestamp: Int64, packetDuration: Int64) {
        if let latest {
            let (gap, overflow) = timestamp.subtractingReportingOverflow(latest.timestamp)
            durations[latest.timestamp] = !overflow && gap > 0 ? gap : provisional(latest.packetDuration)
        }
        latest = (timestamp, packetDuration)
        durations[timestamp] = provisional(packetDuration)
    }

    /// No frame follows: the last one's duration, before the encoder is flushed.
    func lastFrame() {
        guard let latest else { return }
        var duration = provisional(latest.packetDuration)
        if let end, case let (left, overflow) = end.subtractingReportingOverflow(latest.timestamp), !overflow, left > 0 {
            duration = duration > 0 ? min(duration, left) : left
        }
        durations[latest.timestamp] = duration
        self.latest = nil
    }

    /// Gives `packet` its frame's duration.
    func stamp(_ packet: Packet) {
        let pointer = packet.pointer
        guard let duration = durations.removeValue(forKey: pointer.pointee.pts), pointer.pointee.duration <= 0 else { return }
        pointer.pointee.duration = duration
    }

    private func provisional(_ packetDuration: Int64) -> Int64 {
        packetDuration > 0 ? packetDuration : fallback
    }
}
