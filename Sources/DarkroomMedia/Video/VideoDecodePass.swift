import CFFmpeg
import DarkroomCore
import Foundation

/// The one decode of a video: demuxes it once, copies packets into the stream-copied
/// renditions, decodes every video frame (counting frames and errors), picks the frames for
/// the poster, thumbnails and storyboard, and hands every frame and audio block to the encoded
/// renditions, which encode on their own threads while decoding goes on.
final class VideoDecodePass {
    struct Outcome {
        var decode: DecodeReport
        var poster: StillImage?
        var thumbnails: [StillImage]
        /// The filled sprite sheet, nil when there is none or no frame was decoded. It is
        /// written by the caller once this pass is gone: encoding it while the decoders' and
        /// encoders' buffers are still held would add to the peak memory.
        var storyboard: StoryboardSheet?
        /// Renditions written, in profile order, with how they were made.
        var renditions: [(plan: RenditionPlan, url: URL)]
        /// Renditions that could not be made, with why.
        var failures: [MediaError]
        /// Stills that could not be made for this picture (the asset is fine), with why.
        var skipped: [String]
    }

    private enum Purpose {
        case poster
        case thumbnail(Int)
        case tile(Int)
    }

    private let job: VideoJob
    private let input: DemuxerInput
    private let source: DecodeSource
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audioStream: UnsafeMutablePointer<AVStream>?
    private let copies: [CopyRendition]
    private let encodes: [EncodedRendition]
    private var picker: FramePicker<Purpose>
    private var sheet: StoryboardSheet?
    private let thumbnailScaler = Scaler()
    private let writer: StillImageWriter

    private var frames = 0
    private var errors = 0
    private var firstError: String?
    private var origin: Int64?
    private var poster: StillImage?
    private var thumbnails: [Int: StillImage] = [:]
    private var skipped: [String] = []

    init(job: VideoJob, probe: ProbeResult, duration: Double) throws(MediaError) {
        self.job = job
        let settings = job.settings
        input = try DemuxerInput(.file(job.path), limits: settings.limits)
        guard let videoStream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noMediaStream, input: job.path, "no video stream")
        }
        self.videoStream = videoStream
        let plans = settings.renditions.map { RenditionPlan(profile: $0, probe: probe) }
        let audioStream = input.bestStream(AVMEDIA_TYPE_AUDIO)
        self.audioStream = audioStream
        for stream in input.streams where stream != videoStream && stream != audioStream {
            stream.pointee.discard = AVDISCARD_ALL
        }

        let rotation = probe.video?.rotation ?? 0
        let video = try Decoder(
            stream: videoStream, threads: settings.decoderThreads > 0 ? settings.decoderThreads : ProcessInfo.processInfo.activeProcessorCount, limits: settings.limits, input: job.path)
        let needsAudio = audioStream != nil && plans.contains { $0.method == .encode }
        let audio = try needsAudio ? Decoder(stream: audioStream!, threads: 1, limits: settings.limits, input: job.path) : nil
        source = DecodeSource(
            video: video, audio: audio, rotation: rotation, videoTimeBase: videoStream.pointee.time_base,
            frameRate: videoStream.pointee.avg_frame_rate, videoEnd: Self.end(of: videoStream, in: input), audioTimeBase: audioStream?.pointee.time_base ?? AVRational(num: 1, den: 1))

        var copies: [CopyRendition] = []
        var encodes: [EncodedRendition] = []
        for plan in plans {
            let destination = job.folder.appendingPathComponent("\(plan.profile.name).mp4")
            switch plan.method {
            case .copy:
                copies.append(try CopyRendition(plan: plan, destination: destination, video: videoStream, audio: audioStream, input: job.path))
            case .encode:
                encodes.append(try EncodedRendition(plan: plan, destination: destination, source: source, input: job.path))
            }
        }
        self.copies = copies
        self.encodes = encodes

        let upright = PictureGeometry.upright(
            width: Int(video.context.pointee.width), height: Int(video.context.pointee.height), rotation: rotation)
        var targets: [(time: Double, purpose: Purpose)] = [(duration * settings.thumbnails.posterPosition, .poster)]
        let count = settings.thumbnails.count
        for index in 0..<count {
            targets.append(((Double(index) + 0.5) * duration / Double(count), .thumbnail(index)))
        }
        writer = StillImageWriter(settings.thumbnails)
        sheet = nil
        if settings.storyboard.enabled {
            let layout = StoryboardLayout(settings: settings.storyboard, width: upright.width, height: upright.height, duration: duration)
            if max(layout.sheetWidth, layout.sheetHeight) > PictureGeometry.largestStillSide {
                skipped.append("no storyboard: its sheet would be \(layout.sheetWidth)x\(layout.sheetHeight), over the \(PictureGeometry.largestStillSide) pixels an image may have on a side")
            } else {
                sheet = StoryboardSheet(layout: layout, fullRange: writer.fullRange)
                for tile in 0..<layout.tiles {
                    targets.append((layout.time(ofTile: tile), .tile(tile)))
                }
            }
        }
        picker = FramePicker(targets)
        if count > 0 { try Folder.make(job.folder.appendingPathComponent("thumbs"), input: job.path) }
    }

    func run() throws(MediaError) -> Outcome {
        for rendition in encodes { rendition.start() }
        do {
            try demuxAndDecode()
        } catch {
            for rendition in encodes { rendition.queue.abandon() }
            for rendition in encodes { rendition.join() }
            throw error
        }
        for rendition in encodes { rendition.queue.close() }
        for rendition in encodes { rendition.join() }
        for copy in copies { try copy.finish() }

        var renditions: [(plan: RenditionPlan, url: URL)] = copies.map { ($0.plan, $0.destination) }
        var failures: [MediaError] = []
        for rendition in encodes {
            if let failure = rendition.failure { failures.append(failure) } else { renditions.append((rendition.plan, rendition.destination)) }
        }
        let order = job.settings.renditions.map(\.name)
        renditions.sort { order.firstIndex(of: $0.plan.profile.name)! < order.firstIndex(of: $1.plan.profile.name)! }
        return Outcome(
            decode: DecodeReport(frames: frames, errors: errors, firstError: firstError),
            poster: poster,
            thumbnails: thumbnails.keys.sorted().compactMap { thumbnails[$0] },
            storyboard: frames > 0 ? sheet : nil,
            renditions: renditions,
            failures: failures,
            skipped: skipped)
    }

    private func demuxAndDecode() throws(MediaError) {
        let packet = Packet()
        let frame = Frame()
        while true {
            let read = av_read_frame(input.context, packet.pointer)
            // The probe already reported a read error as `truncated`; decode what there is.
            if read < 0 { break }
            defer { av_packet_unref(packet.pointer) }
            for copy in copies { try copy.write(packet.pointer) }
            if packet.pointer.pointee.stream_index == videoStream.pointee.index {
                try decode(packet.pointer, with: source.video, into: frame)
            } else if let audio = source.audio, packet.pointer.pointee.stream_index == audio.streamIndex {
                decodeAudio(packet.pointer, with: audio, into: frame)
            }
        }
        try decode(nil, with: source.video, into: frame)
        if let audio = source.audio { decodeAudio(nil, with: audio, into: frame) }
        for pick in picker.finish() { try use(pick) }
    }

    private func decode(_ packet: UnsafeMutablePointer<AVPacket>?, with decoder: Decoder, into frame: Frame) throws(MediaError) {
        let sent = decoder.send(packet)
        if sent < 0 && sent != darkroom_AVERROR_EOF { noteError(sent) }
        while true {
            let received = decoder.receive(frame)
            if received == darkroom_AVERROR_EAGAIN || received == darkroom_AVERROR_EOF { return }
            guard received >= 0 else {
                noteError(received)
                return
            }
            defer { av_frame_unref(frame.pointer) }
            try accept(frame)
        }
    }

    private func accept(_ frame: Frame) throws(MediaError) {
        frames += 1
        if origin == nil { origin = Self.timestamp(of: frame) }
        let damaged = frame.pointer.pointee.decode_error_flags != 0 || frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
        if damaged {
            errors += 1
            if firstError == nil { firstError = "damaged frame at \(formatted(time(of: frame))) s (concealed by the decoder)" }
        }
        let duration = Double(frame.pointer.pointee.pkt_duration) * av_q2d(videoStream.pointee.time_base)
        for pick in picker.offer(frame, at: time(of: frame), duration: duration) { try use(pick) }
        for rendition in encodes { rendition.queue.put(.video(frame.reference())) }
    }

    private func decodeAudio(_ packet: UnsafeMutablePointer<AVPacket>?, with decoder: Decoder, into frame: Frame) {
        // Damaged audio costs a moment of silence in encoded renditions; the video decode is
        // what the verification reports.
        guard decoder.send(packet) >= 0 || packet == nil else { return }
        while decoder.receive(frame) >= 0 {
            for rendition in encodes { rendition.queue.put(.audio(frame.reference())) }
            av_frame_unref(frame.pointer)
        }
    }

    /// A still that cannot be made for this picture is skipped with a reason; the decode and
    /// the renditions go on. Only a failure to write (the disk's fault) stops the pass.
    private func use(_ pick: FramePicker<Purpose>.Pick) throws(MediaError) {
        let settings = job.settings.thumbnails
        do throws(MediaError) {
            switch pick.purpose {
            case .poster:
                poster = try still(pick, name: "poster.\(settings.format.fileExtension)")
            case .thumbnail(let index):
                let name = "thumbs/\(index + 1 < 10 ? "0" : "")\(index + 1).\(settings.format.fileExtension)"
                thumbnails[index] = try still(pick, name: name)
            case .tile(let tile):
                guard let sheet else { return }
                guard sheet.place(pick.frame, tile: tile, rotation: source.rotation) else {
                    self.sheet = nil
                    throw MediaError(.unsupported, input: job.path, "no storyboard: cannot convert \(pick.frame.width)x\(pick.frame.height) pictures for its tiles")
                }
            }
        } catch {
            guard error.kind != .output else { throw error }
            skipped.append(error.reason)
        }
    }

    private func still(_ pick: FramePicker<Purpose>.Pick, name: String) throws(MediaError) -> StillImage {
        let frame = pick.frame
        let upright = PictureGeometry.upright(width: frame.width, height: frame.height, rotation: source.rotation)
        let size = PictureGeometry.scaled(width: upright.width, height: upright.height, toWidth: job.settings.thumbnails.width)
        guard let picture = thumbnailScaler.upright(
            frame, width: size.width, height: size.height, rotation: source.rotation,
            format: writer.pixelFormat, fullRange: writer.fullRange)
        else {
            throw MediaError(.unsupported, input: job.path, "no \(name): cannot convert \(frame.width)x\(frame.height) pictures for it")
        }
        let file: StoredFile
        do {
            file = try writer.write(picture, to: job.folder.appendingPathComponent(name), as: job.prefix + name, input: job.path)
        } catch where error.kind != .output {
            throw MediaError(error.kind, input: error.input, "no \(name): \(error.reason)")
        }
        return StillImage(file: file, at: (pick.time * 1000).rounded() / 1000, width: size.width, height: size.height)
    }

    private func noteError(_ code: Int32) {
        errors += 1
        if firstError == nil { firstError = ffmpegErrorText(code) }
    }

    /// The container's end of the stream (its start plus the file's duration), in the stream's
    /// time base; nil when the container states no duration.
    private static func end(of stream: UnsafeMutablePointer<AVStream>, in input: DemuxerInput) -> Int64? {
        let duration = input.context.pointee.duration
        guard duration > 0, duration != darkroom_AV_NOPTS_VALUE else { return nil }
        let start = stream.pointee.start_time != darkroom_AV_NOPTS_VALUE ? stream.pointee.start_time : 0
        let (end, overflow) = av_rescale_q(duration, darkroom_AV_TIME_BASE_Q, stream.pointee.time_base).addingReportingOverflow(start)
        return overflow ? nil : end
    }

    private static func timestamp(of frame: Frame) -> Int64 {
        let best = frame.pointer.pointee.best_effort_timestamp
        return best != darkroom_AV_NOPTS_VALUE ? best : frame.pointer.pointee.pts
    }

    /// Seconds since the first frame.
    private func time(of frame: Frame) -> Double {
        let timestamp = Self.timestamp(of: frame)
        guard timestamp != darkroom_AV_NOPTS_VALUE, let origin else { return 0 }
        // The file's own numbers: their difference may not fit in an Int64.
        return (Double(timestamp) - Double(origin)) * av_q2d(videoStream.pointee.time_base)
    }

    private func formatted(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }
}
