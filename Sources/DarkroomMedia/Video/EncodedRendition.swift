import CFFmpeg
import DarkroomCore
import Foundation

/// A rendition made by encoding: decoded frames arrive through its queue, are scaled, turned
/// upright and encoded (audio resampled and encoded as AAC), and muxed into an MP4 with its
/// index in front.
///
/// Built on the pipeline's thread, then used only by its own worker thread until `join()`:
/// that single hand-off is why it is `@unchecked Sendable`.
final class EncodedRendition: @unchecked Sendable {
    let plan: RenditionPlan
    let destination: URL
    /// One picture ahead is enough to keep the encoder busy (libx264 buffers its own
    /// look-ahead); more only holds more decoded 1080p pictures in memory (see docs/media.md).
    let queue = FrameQueue(capacity: 1)

    private let input: String
    private let rotation: Int
    private let muxer: Muxer
    private let video: Encoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: (encoder: Encoder, stream: UnsafeMutablePointer<AVStream>, resampler: AudioResampler)?
    /// Area averaging: renditions only ever scale down, where it is close to bicubic (SSIM
    /// 0.998 against a Lanczos reference, bicubic 0.9996, on 1080p→480p) for about 0.4 s less
    /// CPU per 10 s of 1080p; see docs/media.md.
    private let scaler = Scaler(flags: SWS_AREA)
    private let packet = Packet()
    private let timing: PacketDurations
    private var worker: WorkerThread?
    private(set) var failure: MediaError?

    init(plan: RenditionPlan, destination: URL, source: DecodeSource, input: String) throws(MediaError) {
        self.plan = plan
        self.destination = destination
        self.input = input
        rotation = source.rotation
        muxer = try Muxer(destination: destination, input: input)
        timing = PacketDurations(frameRate: source.frameRate, timeBase: source.videoTimeBase, end: source.videoEnd)
        let globalHeader = muxer.wantsGlobalHeader
        let profile = plan.profile
        let decoder = source.video.context.pointee
        var videoOptions: [String: String] = switch profile.codec {
        case .h264: ["preset": profile.preset, "crf": String(profile.crf), "profile": profile.h264Profile ?? "high"]
        case .hevc: ["preset": profile.preset, "crf": String(profile.crf), "x265-params": "log-level=error"]
        }
        // libx264 and libx265 start a thread per core and a half, each holding pictures of its
        // own. A rendition of at most a quarter of the source's pixels encodes faster on one
        // thread than the source decodes, so more only hold more memory: 11 MiB for 1080p to
        // 480p, at the same speed (docs/media.md). Larger ones need every thread.
        if plan.width * plan.height * 4 <= Int(decoder.width) * Int(decoder.height) {
            videoOptions["threads"] = "1"
        }
        video = try Encoder(name: profile.codec == .h264 ? "libx264" : "libx265", options: videoOptions, input: input) { context in
            context.pointee.width = Int32(plan.width)
            context.pointee.height = Int32(plan.height)
            context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            // The source's own clock, so variable frame rate survives as it is.
            context.pointee.time_base = source.videoTimeBase
            context.pointee.framerate = source.frameRate
            context.pointee.color_range = AVCOL_RANGE_MPEG
            context.pointee.colorspace = decoder.colorspace
            context.pointee.color_primaries = decoder.color_primaries
            context.pointee.color_trc = decoder.color_trc
            if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        videoStream = muxer.addStream(encoder: video.context)
        if profile.codec == .hevc { videoStream.pointee.codecpar.pointee.codec_tag = hvc1Tag }

        if let audioDecoder = source.audio {
            let sourceAudio = audioDecoder.context.pointee
            let encoder = try Encoder(name: "aac", input: input) { context in
                context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
                context.pointee.sample_rate = Self.aacSampleRate(for: sourceAudio.sample_rate)
                av_channel_layout_default(&context.pointee.ch_layout, min(sourceAudio.ch_layout.nb_channels, 2))
                context.pointee.bit_rate = Int64(profile.audioBitRate)
                context.pointee.time_base = AVRational(num: 1, den: context.pointee.sample_rate)
                if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }
            audio = (encoder, muxer.addStream(encoder: encoder.context),
                     AudioResampler(encoder: encoder.context, sourceTimeBase: source.audioTimeBase))
        } else {
            audio = nil
        }
        try muxer.writeHeader()
    }

    func start() {
        worker = WorkerThread(name: "darkroom-\(plan.profile.name)") { [self] in run() }
    }

    /// Waits for the worker; after this, `failure` says whether the file was written.
    func join() {
        worker?.join()
    }

    private func run() {
        do throws(MediaError) {
            while let item = queue.take() {
                switch item {
                case .video(let frame): try encodeVideo(frame)
                case .audio(let frame): try encodeAudio(frame)
                }
            }
            try finish()
        } catch {
            failure = error
            queue.abandon()
        }
    }

    private func encodeVideo(_ frame: Frame) throws(MediaError) {
        let timestamp = frame.pointer.pointee.best_effort_timestamp
        guard let picture = scaler.upright(
            frame, width: plan.width, height: plan.height, rotation: rotation, format: AV_PIX_FMT_YUV420P, fullRange: false)
        else {
            throw MediaError(.unsupported, input: input, "cannot convert \(frame.width)x\(frame.height) pictures for the \(plan.profile.name) rendition")
        }
        picture.pointer.pointee.pts = timestamp
        picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        timing.frame(at: timestamp, packetDuration: frame.pointer.pointee.pkt_duration)
        try send(picture, to: video, stream: videoStream)
    }

    private func encodeAudio(_ frame: Frame) throws(MediaError) {
        guard let audio else { return }
        guard audio.resampler.push(frame) else {
            throw MediaError(.unsupported, input: input, "cannot convert the audio for the \(plan.profile.name) rendition")
        }
        while let block = audio.resampler.pull(draining: false) {
            try send(block, to: audio.encoder, stream: audio.stream)
        }
    }

    private func finish() throws(MediaError) {
        if let audio {
            while let block = audio.resampler.pull(draining: true) {
                try send(block, to: audio.encoder, stream: audio.stream)
            }
            try send(nil, to: audio.encoder, stream: audio.stream)
        }
        timing.lastFrame()
        try send(nil, to: video, stream: videoStream)
        try muxer.finish()
    }

    /// Sends a frame (nil flushes) and writes every packet the encoder has ready.
    private func send(_ frame: Frame?, to encoder: Encoder, stream: UnsafeMutablePointer<AVStream>) throws(MediaError) {
        try encoder.encode(frame, into: packet, input: input) { (packet) throws(MediaError) in
            if encoder === video { timing.stamp(packet) }
            try muxer.write(packet.pointer, timeBase: encoder.timeBase, stream: stream)
        }
    }

    /// AAC's sampling rates; anything else is resampled to 48 kHz.
    private static func aacSampleRate(for rate: Int32) -> Int32 {
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000].contains(rate) ? rate : 48000
    }
}
