import CFFmpeg
import DarkroomCore
import Foundation

/// An MP4 file being written: the one owner of its output `AVFormatContext`.
///
/// It writes to a temporary name next to the destination (the `faststart` pass re-opens the
/// file by that name to move the `moov` index to the front), and only `finish()` syncs and
/// renames it into place. Dropped unfinished, it removes the temporary file.
final class Muxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    private let staged: StagedFile
    private let input: String
    private var finished = false

    init(destination: URL, input: String) throws(MediaError) {
        staged = StagedFile(destination: destination)
        self.input = input
        var context: UnsafeMutablePointer<AVFormatContext>?
        let location = "file:" + staged.temporary.path
        guard avformat_alloc_output_context2(&context, nil, "mp4", location) >= 0, let context else {
            throw MediaError(.unsupported, input: input, "this FFmpeg build has no mp4 muxer")
        }
        self.context = context
        let opened = avio_open(&context.pointee.pb, location, AVIO_FLAG_WRITE)
        guard opened >= 0 else {
            throw MediaError(.output, input: input, "cannot create \(staged.temporary.path) (\(ffmpegErrorText(opened)))")
        }
    }

    deinit {
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        if !finished { staged.discard() }
        avformat_free_context(context)
    }

    /// Whether encoders must put their headers in extradata (`AV_CODEC_FLAG_GLOBAL_HEADER`).
    var wantsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// A stream for an opened encoder's packets.
    func addStream(encoder: UnsafeMutablePointer<AVCodecContext>) -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else { fatalError("out of memory adding a stream") }
        avcodec_parameters_from_context(stream.pointee.codecpar, encoder)
        stream.pointee.time_base = encoder.pointee.time_base
        return stream
    }

    /// A stream for packets copied from `source` as they are.
    func addStream(copying source: UnsafeMutablePointer<AVStream>) -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else { fatalError("out of memory adding a stream") }
        avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar)
        // The source container's tag may not be valid in MP4; let the muxer choose.
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = source.pointee.time_base
        return stream
    }

    func writeHeader() throws(MediaError) {
        var options: OpaquePointer?
        av_dict_set(&options, "movflags", "+faststart", 0)
        defer { av_dict_free(&options) }
        let written = avformat_write_header(context, &options)
        guard written >= 0 else {
            throw MediaError(.output, input: input, "cannot write the header of \(staged.destination.lastPathComponent) (\(ffmpegErrorText(written)))")
        }
    }

    /// Writes `packet` (timestamps in `timeBase`) to stream `stream`; takes the packet's data.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, stream: UnsafeMutablePointer<AVStream>) throws(MediaError) {
        packet.pointee.stream_index = stream.pointee.index
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        let written = av_interleaved_write_frame(context, packet)
        guard written >= 0 else {
            throw MediaError(.output, input: input, "cannot write \(staged.destination.lastPathComponent) (\(ffmpegErrorText(written)))")
        }
    }

    /// Writes the trailer (and the `faststart` pass), closes, syncs and renames into place.
    func finish() throws(MediaError) {
        let trailer = av_write_trailer(context)
        let closed = avio_closep(&context.pointee.pb)
        guard trailer >= 0, closed >= 0 else {
            let code = trailer < 0 ? trailer : closed
            throw MediaError(.output, input: input, "cannot finish \(staged.destination.lastPathComponent) (\(ffmpegErrorText(code)))")
        }
        do {
            try staged.commit()
        } catch {
            throw MediaError(output: error, input: input)
        }
        finished = true
    }
}
