import CFFmpeg
import DarkroomCore

/// An opened decoder for one stream of a `DemuxerInput`: the one owner of its `AVCodecContext`.
///
/// Frames larger than `limits.maxPixels` are refused by libavcodec itself (`max_pixels`), so a
/// lying stream header cannot make it allocate a huge picture; a decoder outside
/// `DecoderAllowList` is never opened.
final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let streamIndex: Int32

    init(stream: UnsafeMutablePointer<AVStream>, threads: Int, limits: MediaLimits, input: String) throws(MediaError) {
        let parameters = stream.pointee.codecpar!
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError(.unsupported, input: input, "no decoder for \(codecName) in this FFmpeg build")
        }
        let decoderName = String(cString: codec.pointee.name)
        guard DecoderAllowList.allows(decoderName) else {
            throw MediaError(.unsupported, input: input, "\(codecName) is not a codec Darkroom decodes (the \(decoderName) decoder is not allowed)")
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("out of memory allocating a decoder") }
        self.context = context
        self.streamIndex = stream.pointee.index
        guard avcodec_parameters_to_context(context, parameters) >= 0 else {
            throw MediaError(.unsupported, input: input, "cannot set up the \(codecName) decoder")
        }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(threads)
        var options: OpaquePointer?
        av_dict_set(&options, "max_pixels", String(limits.maxPixels), 0)
        av_dict_set(&options, "codec_whitelist", DecoderAllowList.option, 0)
        defer { av_dict_free(&options) }
        let opened = avcodec_open2(context, codec, &options)
        guard opened >= 0 else {
            throw MediaError(.unsupported, input: input, "cannot open the \(codecName) decoder (\(ffmpegErrorText(opened)))")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&context)
    }

    /// Sends one packet, or nil to flush; the result is libavcodec's (EAGAIN, EOF and errors).
    func send(_ packet: UnsafeMutablePointer<AVPacket>?) -> Int32 {
        avcodec_send_packet(context, packet)
    }

    func receive(_ frame: Frame) -> Int32 {
        avcodec_receive_frame(context, frame.pointer)
    }
}
