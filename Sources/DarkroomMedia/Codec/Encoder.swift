import CFFmpeg
import DarkroomCore

/// An opened encoder: the one owner of its `AVCodecContext`.
final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let name: String

    /// Finds the encoder `name`, lets `configure` set the context, opens it with `options`
    /// (the encoder's private options, such as libx264's `preset` and `crf`).
    init(
        name: String, options: [String: String] = [:], input: String,
        configure: (UnsafeMutablePointer<AVCodecContext>) -> Void
    ) throws(MediaError) {
        self.name = name
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError(.unsupported, input: input, "this FFmpeg build has no \(name) encoder")
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("out of memory allocating an encoder") }
        self.context = context
        configure(context)
        var dictionary: OpaquePointer?
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        defer { av_dict_free(&dictionary) }
        let opened = avcodec_open2(context, codec, &dictionary)
        guard opened >= 0 else {
            throw MediaError(.unsupported, input: input, "cannot open the \(name) encoder (\(ffmpegErrorText(opened)))")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&context)
    }

    /// Sends one frame, or nil to flush.
    func send(_ frame: Frame?) -> Int32 {
        avcodec_send_frame(context, frame?.pointer)
    }

    func receive(_ packet: Packet) -> Int32 {
        avcodec_receive_packet(context, packet.pointer)
    }

    var timeBase: AVRational { context.pointee.time_base }

    /// Sends a frame (nil flushes) and hands each packet the encoder has ready to `write`, in
    /// `packet` (reused).
    func encode(
        _ frame: Frame?, into packet: Packet, input: String, write: (Packet) throws(MediaError) -> Void
    ) throws(MediaError) {
        let sent = send(frame)
        guard sent >= 0 else {
            throw MediaError(.unsupported, input: input, "the \(name) encoder failed (\(ffmpegErrorText(sent)))")
        }
        while true {
            let received = receive(packet)
            if received == darkroom_AVERROR_EAGAIN || received == darkroom_AVERROR_EOF { return }
            guard received >= 0 else {
                throw MediaError(.unsupported, input: input, "the \(name) encoder failed (\(ffmpegErrorText(received)))")
            }
            try write(packet)
        }
    }
}
